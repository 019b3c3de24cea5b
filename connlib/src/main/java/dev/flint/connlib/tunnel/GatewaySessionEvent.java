package dev.flint.connlib.tunnel;

import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.UUID;

/** What a {@link GatewaySession} tells its shell. */
public sealed interface GatewaySessionEvent {

    /** The portal gave this gateway its tunnel addresses (on every join): the TUN device carries exactly these. */
    record InterfaceChanged(GatewayInterface iface) implements GatewaySessionEvent {
    }

    /** A client may reach a resource from now on ({@code expiresAt} null: until revoked). */
    record ClientAuthorized(UUID clientId, Inet4Address clientIpv4, GatewayResource resource, Instant expiresAt)
            implements GatewaySessionEvent {
    }

    /** An authorization was refused because no relay is known; the portal was asked for relays. */
    record AuthorizationRefused(UUID clientId, String reason) implements GatewaySessionEvent {
    }

    /** A client connection was established, moved to another path, failed or closed: for logs and status. */
    record Connection(PeerEvent event) implements GatewaySessionEvent {
    }
}
