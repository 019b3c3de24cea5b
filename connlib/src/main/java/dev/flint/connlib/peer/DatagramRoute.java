package dev.flint.connlib.peer;

import java.net.InetSocketAddress;

/**
 * Where a connection's datagrams go on its current path: from {@code source} (a local address; null lets the kernel
 * choose, as for traffic to a relay) to {@code destination}, framed as ChannelData on {@code channel} when they travel
 * through our relay (-1 when they go straight to the peer). One object per path, made when the path changes, so the
 * data path allocates nothing to say it.
 */
public record DatagramRoute(InetSocketAddress source, InetSocketAddress destination, int channel) {
    public boolean viaRelay() {
        return channel >= 0;
    }
}
