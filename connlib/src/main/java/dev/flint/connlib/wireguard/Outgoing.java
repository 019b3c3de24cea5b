package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;

/**
 * A WireGuard message the engine wants sent to one peer: a handshake message, a cookie reply or a keepalive. Not yet
 * a datagram ({@link dev.flint.connlib.net.Outgoing}): the endpoint may be unknown, and the peer says which
 * connection's path carries it (the shell or the peer node picks the path).
 *
 * @param peer the peer it is for, null for a cookie reply to an unauthenticated sender
 * @param endpoint where to send it: the source of the message being answered, else the peer's last known
 *     endpoint; null when the engine knows none (the shell then uses its own path, e.g. the ICE-nominated pair)
 * @param payload the complete WireGuard message
 */
public record Outgoing(WireGuardPeer peer, InetSocketAddress endpoint, byte[] payload) {}
