package dev.flint.connlib.wireguard;

import java.util.Objects;

/**
 * What {@link WireGuardNode#decrypt} did with one datagram. The instances are cached (per peer for
 * {@link Kind#DATA}, {@link Kind#KEEPALIVE} and {@link Kind#HANDSHAKE}, and per reason for drops), so the
 * data path never allocates them; compare with {@link #kind()}, not identity.
 *
 * @param kind what the datagram was
 * @param peer the authenticated peer, null for drops before a peer is known
 * @param dropReason why it was dropped, null unless {@code kind == DROPPED}
 */
public record Received(Kind kind, WireGuardPeer peer, DropReason dropReason) {
    public enum Kind {
        /** An IP packet was written to the output buffer (position advanced by its length, padding removed). */
        DATA,
        /** An authenticated keepalive: nothing to deliver. */
        KEEPALIVE,
        /**
         * A handshake message or cookie reply was consumed: poll {@link WireGuardNode#pollTransmit()} and
         * {@link WireGuardNode#pollEvent()} now.
         */
        HANDSHAKE,
        /** Dropped and counted; see {@link #dropReason()}. */
        DROPPED
    }

    public Received {
        Objects.requireNonNull(kind);
        if ((kind == Kind.DROPPED) != (dropReason != null)) {
            throw new IllegalArgumentException("a drop reason goes with DROPPED and only with it");
        }
    }

    public boolean isDropped() {
        return kind == Kind.DROPPED;
    }
}
