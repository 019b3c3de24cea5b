package dev.flint.connlib.wireguard;

import java.time.Instant;

/** Things that happened to a peer's sessions, polled with {@link WireGuardNode#pollEvent()}. */
public sealed interface WireGuardEvent {
    WireGuardPeer peer();

    /**
     * A new session can carry data: on the initiator when the response is consumed, on the responder when the
     * first data packet arrives with the new keys. Packets queued while waiting can be sent now.
     */
    record HandshakeCompleted(WireGuardPeer peer, Instant at, boolean asInitiator) implements WireGuardEvent {}

    /**
     * The peer has no usable session and will get none by itself: handshaking for REKEY_ATTEMPT_TIME went
     * unanswered, or all keys were zeroed after REJECT_AFTER_TIME * 3 without a new handshake. Firezone treats
     * this as the connection having failed.
     */
    record ConnectionExpired(WireGuardPeer peer, Instant at, Cause cause) implements WireGuardEvent {
        public enum Cause {
            HANDSHAKE_TIMEOUT,
            KEYS_EXPIRED
        }
    }
}
