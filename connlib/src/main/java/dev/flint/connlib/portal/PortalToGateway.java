package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.ice.IceCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Pushes from the portal to a gateway on topic {@code gateway}. */
public sealed interface PortalToGateway extends PortalMessage {

    /** Pushed after every join; the gateway keeps only the listed authorizations. */
    record Init(GatewayInterface iface, GatewayConfig config, String accountSlug, List<Relay> relays,
                List<Authorization> authorizations, FlowLogsConfig flowLogs) implements PortalToGateway {
        public Init {
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(flowLogs, "flowLogs");
            relays = List.copyOf(relays);
            authorizations = List.copyOf(authorizations);
        }
    }

    /**
     * Allow a client to reach a resource (v1 name {@code authorize_flow}). {@code ref} is opaque and must be
     * echoed in {@code authorization_created}; {@code expiresAt} null means the grant never expires.
     */
    record CreateAuthorization(String ref, GatewayResource resource, GatewayClient client,
                               IceCredentials clientIceCredentials, IceCredentials gatewayIceCredentials,
                               Instant expiresAt, Subject subject, boolean useIceless,
                               IngestToken flowLogsIngestToken) implements PortalToGateway {
        public CreateAuthorization {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(clientIceCredentials, "clientIceCredentials");
            Objects.requireNonNull(gatewayIceCredentials, "gatewayIceCredentials");
            Objects.requireNonNull(flowLogsIngestToken, "flowLogsIngestToken");
        }
    }

    /** ICE candidates of a client. */
    record IceCandidates(UUID clientId, List<String> candidates) implements PortalToGateway {
        public IceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Candidates a client withdrew. */
    record InvalidateIceCandidates(UUID clientId, List<String> candidates) implements PortalToGateway {
        public InvalidateIceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Revoke a client's access to a resource. */
    record RejectAccess(UUID clientId, UUID resourceId) implements PortalToGateway {
        public RejectAccess {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(resourceId, "resourceId");
        }
    }

    /** Only the filters of a resource changed. */
    record ResourceUpdated(GatewayResource resource) implements PortalToGateway {
        public ResourceUpdated {
            Objects.requireNonNull(resource, "resource");
        }
    }

    /** Relays that went away, and the full replacement set. */
    record RelaysPresence(List<UUID> disconnectedIds, List<Relay> connected) implements PortalToGateway {
        public RelaysPresence {
            disconnectedIds = List.copyOf(disconnectedIds);
            connected = List.copyOf(connected);
        }
    }

    /** Obsolete; decoded so it can be ignored quietly. */
    record AccessAuthorizationExpiryUpdated(UUID clientId, UUID resourceId, Instant expiresAt)
        implements PortalToGateway {
    }

    /**
     * Deprecated in 1.4 (current Firezone gateways do not parse it): allow a client that already has a connection.
     * The payload is opaque.
     */
    record AllowAccess(String ref, UUID clientId, GatewayResource resource, Instant expiresAt, JsonNode payload,
                       Inet4Address clientIpv4, Inet6Address clientIpv6) implements PortalToGateway {
        public AllowAccess {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(clientIpv4, "clientIpv4");
            Objects.requireNonNull(clientIpv6, "clientIpv6");
        }
    }

    /** Deprecated in 1.4: set up a connection to a client; answered with {@code connection_ready}. */
    record RequestConnection(String ref, GatewayResource resource, LegacyClient client, Instant expiresAt)
        implements PortalToGateway {
        public RequestConnection {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(client, "client");
        }
    }

    /** The client of a legacy {@code request_connection}. */
    record LegacyClient(UUID id, JsonNode payload, LegacyPeer peer) {
        public LegacyClient {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** The WireGuard peer of a legacy {@code request_connection}. */
    record LegacyPeer(int persistentKeepalive, WireGuardKey publicKey, WireGuardKey presharedKey, Inet4Address ipv4,
                      Inet6Address ipv6) {
        public LegacyPeer {
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(presharedKey, "presharedKey");
            Objects.requireNonNull(ipv4, "ipv4");
            Objects.requireNonNull(ipv6, "ipv6");
        }
    }
}
