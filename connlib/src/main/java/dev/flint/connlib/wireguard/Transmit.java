package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;

/**
 * A datagram the engine wants sent: a handshake message, a cookie reply or a keepalive.
 *
 * @param peer the peer it is for, null for a cookie reply to an unauthenticated sender
 * @param endpoint where to send it: the source of the message being answered, else the peer's last known
 *     endpoint; null when the engine knows none (the shell then uses its own path, e.g. the ICE-nominated pair)
 * @param payload the complete WireGuard message
 */
public record Transmit(WireGuardPeer peer, InetSocketAddress endpoint, byte[] payload) {}
