package dev.flint.connlib.net;

import java.net.InetSocketAddress;

/**
 * A datagram an engine wants sent, the one output type of every engine that speaks UDP (ICE, TURN, the peer node,
 * the sessions). {@code source} is the local address it must leave from (a host candidate), or null when any
 * address will do (traffic to relays).
 */
public record Transmit(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
    @Override
    public String toString() {
        return "Transmit[" + source + " -> " + destination + ", " + payload.length + " bytes]";
    }
}
