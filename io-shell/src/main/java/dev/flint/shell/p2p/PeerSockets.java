package dev.flint.shell.p2p;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** Opens the sockets a {@link PeerSocketShell} runs on: one per local address, Firezone's port if free. */
public final class PeerSockets {
    /** 49152 + 3473 ("FIRE" on a phone pad), the port Firezone clients and gateways use. */
    public static final int FIREZONE_PORT = 52625;

    private PeerSockets() {
    }

    /** Binds one UDP socket to each address, on {@code preferredPort} where free, else on an ephemeral port. */
    public static List<DatagramChannel> bind(List<InetAddress> addresses, int preferredPort) throws IOException {
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            for (InetAddress address : addresses) {
                channels.add(bindOne(address, preferredPort));
            }
            return channels;
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel c : channels) {
                c.close();
            }
            throw e;
        }
    }

    private static DatagramChannel bindOne(InetAddress address, int preferredPort) throws IOException {
        var family = address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.bind(new InetSocketAddress(address, preferredPort));
        } catch (BindException taken) {
            channel.close();
            channel = DatagramChannel.open(family);
            channel.bind(new InetSocketAddress(address, 0));
        }
        return channel;
    }

    /**
     * Unicast addresses of the interfaces that are up and not loopback, skipping IPv6 link-local
     * addresses and interfaces {@code include} rejects (the tunnel's own TUN device must be left out).
     */
    public static List<InetAddress> interfaceAddresses(Predicate<NetworkInterface> include) throws SocketException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback() || !include.test(nif)) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLinkLocalAddress() && !a.isMulticastAddress() && !a.isAnyLocalAddress()) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
