package dev.flint.connlib.tunnel;

import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.portal.FailureReason;
import java.util.UUID;

/**
 * What a {@link ClientSession} tells its shell. The policy layer's own requests (authorization, closing a
 * connection) never come out: the session answers them itself.
 */
public sealed interface ClientSessionEvent permits ClientEvent.TunConfigChanged, ClientEvent.ResourcesChanged,
        ClientEvent.UpstreamDnsQuery, ClientSessionEvent.AuthorizationFailed, ClientSessionEvent.Connection {

    /** The portal could not authorize {@code resourceId} ({@code authorization_creation_failed}). */
    record AuthorizationFailed(UUID resourceId, FailureReason reason) implements ClientSessionEvent {
    }

    /** A gateway connection was established, moved to another path, failed or closed: for logs and status. */
    record Connection(PeerEvent event) implements ClientSessionEvent {
    }
}
