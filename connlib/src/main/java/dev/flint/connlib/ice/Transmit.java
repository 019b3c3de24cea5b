package dev.flint.connlib.ice;

import java.net.InetSocketAddress;

/**
 * A datagram to send. {@code source} is the local address it must leave from (a host
 * candidate), or null when any address will do (traffic to relays).
 */
public record Transmit(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
    @Override
    public String toString() {
        return "Transmit[" + source + " -> " + destination + ", " + payload.length + " bytes]";
    }
}
