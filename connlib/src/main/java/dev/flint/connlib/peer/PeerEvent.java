package dev.flint.connlib.peer;

import dev.flint.connlib.ice.NominatedPair;
import java.util.UUID;

/** What a {@link PeerNode} reports to the policy layer (ClientState / GatewayState). */
public sealed interface PeerEvent {
    /** Signal this candidate to the peer through the portal. */
    record NewIceCandidate(UUID connection, String candidate) implements PeerEvent {
    }

    /** Tell the peer this candidate is gone. */
    record InvalidateIceCandidate(UUID connection, String candidate) implements PeerEvent {
    }

    /** A path is nominated and the first WireGuard handshake completed: flush buffered packets. */
    record ConnectionEstablished(UUID connection, NominatedPair path) implements PeerEvent {
    }

    /** ICE re-nominated; data now flows on {@code path}. */
    record PathChanged(UUID connection, NominatedPair path) implements PeerEvent {
    }

    record ConnectionFailed(UUID connection, String reason) implements PeerEvent {
    }

    record ConnectionClosed(UUID connection) implements PeerEvent {
    }

    /** The last relay is gone; ask the portal for new ones ({@code no_relays}). */
    record NoRelays() implements PeerEvent {
    }
}
