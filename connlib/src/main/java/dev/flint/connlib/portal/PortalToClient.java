package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Pushes from the portal to a client on topic {@code client}. */
public sealed interface PortalToClient extends PortalMessage {

    /** Pushed after every join: replaces interface, resources and relays, and resyncs authorizations. */
    record Init(Interface iface, List<Resource> resources, List<Relay> relays, List<Authorization> authorizations,
                FlowLogsConfig flowLogs) implements PortalToClient {
        public Init {
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(flowLogs, "flowLogs");
            resources = List.copyOf(resources);
            relays = List.copyOf(relays);
            authorizations = List.copyOf(authorizations);
        }
    }

    /** Upsert one resource by id. */
    record ResourceCreatedOrUpdated(Resource resource) implements PortalToClient {
        public ResourceCreatedOrUpdated {
            Objects.requireNonNull(resource, "resource");
        }
    }

    /** Remove one resource; the payload on the wire is the bare id string. */
    record ResourceDeleted(UUID id) implements PortalToClient {
        public ResourceDeleted {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The account's DNS settings changed (address changes come as a new {@code init} instead). */
    record ConfigChanged(Interface iface) implements PortalToClient {
        public ConfigChanged {
            Objects.requireNonNull(iface, "iface");
        }
    }

    /** Relays that went away, and the full replacement set of chosen relays. */
    record RelaysPresence(List<UUID> disconnectedIds, List<Relay> connected) implements PortalToClient {
        public RelaysPresence {
            disconnectedIds = List.copyOf(disconnectedIds);
            connected = List.copyOf(connected);
        }
    }

    /** A gateway accepted our {@code request_authorization} (v1 name {@code flow_created}). */
    record AuthorizationCreated(UUID resourceId, UUID siteId, UUID gatewayId, WireGuardKey gatewayPublicKey,
                                Inet4Address gatewayIpv4, Inet6Address gatewayIpv6, WireGuardKey presharedKey,
                                IceCredentials clientIceCredentials, IceCredentials gatewayIceCredentials,
                                boolean useIceless, IngestToken flowLogsIngestToken) implements PortalToClient {
        public AuthorizationCreated {
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(siteId, "siteId");
            Objects.requireNonNull(gatewayId, "gatewayId");
            Objects.requireNonNull(gatewayPublicKey, "gatewayPublicKey");
            Objects.requireNonNull(gatewayIpv4, "gatewayIpv4");
            Objects.requireNonNull(gatewayIpv6, "gatewayIpv6");
            Objects.requireNonNull(presharedKey, "presharedKey");
            Objects.requireNonNull(clientIceCredentials, "clientIceCredentials");
            Objects.requireNonNull(gatewayIceCredentials, "gatewayIceCredentials");
            Objects.requireNonNull(flowLogsIngestToken, "flowLogsIngestToken");
        }
    }

    /**
     * The authorization could not be created (v1 name {@code flow_creation_failed}). The reason text is kept as
     * sent so unknown reasons survive; {@link #kind()} gives the typed view.
     */
    record AuthorizationCreationFailed(UUID resourceId, String reason, List<String> violatedProperties)
        implements PortalToClient {
        public AuthorizationCreationFailed {
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(reason, "reason");
            violatedProperties = List.copyOf(violatedProperties);
        }

        public FailureReason kind() {
            return FailureReason.fromWire(reason);
        }
    }

    /** ICE candidates of a gateway (connlib's primary name {@code gateway_ice_candidates} is accepted too). */
    record IceCandidates(UUID gatewayId, List<String> candidates) implements PortalToClient {
        public IceCandidates {
            Objects.requireNonNull(gatewayId, "gatewayId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Candidates a gateway withdrew (alias {@code invalidate_gateway_ice_candidates}). */
    record InvalidateIceCandidates(UUID gatewayId, List<String> candidates) implements PortalToClient {
        public InvalidateIceCandidates {
            Objects.requireNonNull(gatewayId, "gatewayId");
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * Client-to-client: both peers of a device-pool connection get this. The receiver gets the authorizing
     * {@code resource} and {@code expiresAt}; the initiator gets neither.
     */
    record ClientDeviceAccessAuthorized(UUID clientId, String clientName, WireGuardKey clientPublicKey,
                                        Inet4Address clientIpv4, Inet6Address clientIpv6, WireGuardKey presharedKey,
                                        IceCredentials localIceCredentials, IceCredentials remoteIceCredentials,
                                        IceRole iceRole, boolean useIceless, AuthorizedResource resource,
                                        Instant expiresAt, IngestToken flowLogsIngestToken)
        implements PortalToClient {
        public ClientDeviceAccessAuthorized {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientName, "clientName");
            Objects.requireNonNull(clientPublicKey, "clientPublicKey");
            Objects.requireNonNull(clientIpv4, "clientIpv4");
            Objects.requireNonNull(clientIpv6, "clientIpv6");
            Objects.requireNonNull(presharedKey, "presharedKey");
            Objects.requireNonNull(localIceCredentials, "localIceCredentials");
            Objects.requireNonNull(remoteIceCredentials, "remoteIceCredentials");
            Objects.requireNonNull(iceRole, "iceRole");
            Objects.requireNonNull(flowLogsIngestToken, "flowLogsIngestToken");
        }
    }

    /** Client-to-client access was denied; which optional fields are present depends on the reason. */
    record ClientDeviceAccessDenied(UUID clientId, Inet4Address ipv4, Inet6Address ipv6, UUID resourceId,
                                    String reason) implements PortalToClient {
        public ClientDeviceAccessDenied {
            Objects.requireNonNull(reason, "reason");
        }

        public FailureReason kind() {
            return FailureReason.fromWire(reason);
        }
    }

    /** ICE candidates of a peer client. */
    record ClientIceCandidates(UUID clientId, List<String> candidates) implements PortalToClient {
        public ClientIceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Candidates a peer client withdrew. */
    record InvalidateClientIceCandidates(UUID clientId, List<String> candidates) implements PortalToClient {
        public InvalidateClientIceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Our candidates could not be delivered to a peer client. */
    record ClientIceCandidateError(UUID clientId, String reason) implements PortalToClient {
        public ClientIceCandidateError {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A dynamic-pool name resolved. The portal sends the addresses with {@code /32}/{@code /128} while connlib
     * reads bare addresses; both are accepted and the bare form is written.
     */
    record DevicePoolDomainResolved(UUID resourceId, String domain, Inet4Address ipv4, Inet6Address ipv6)
        implements PortalToClient {
        public DevicePoolDomainResolved {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(ipv4, "ipv4");
            Objects.requireNonNull(ipv6, "ipv6");
        }
    }

    /** A dynamic-pool name did not resolve. */
    record DevicePoolDomainResolutionFailed(UUID resourceId, String domain, String reason) implements PortalToClient {
        public DevicePoolDomainResolutionFailed {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A resource's filters changed while access to it stays authorized. */
    record ResourceFiltersUpdated(UUID id, List<Filter> filters) implements PortalToClient {
        public ResourceFiltersUpdated {
            Objects.requireNonNull(id, "id");
            filters = List.copyOf(filters);
        }
    }

    /** Client-to-client: drop the inbound grant of {@code clientId} for {@code resourceId}. */
    record RejectAccess(UUID clientId, UUID resourceId) implements PortalToClient {
        public RejectAccess {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(resourceId, "resourceId");
        }
    }

    /** Obsolete; decoded so it can be ignored quietly. */
    record AccessAuthorizationExpiryUpdated(UUID clientId, UUID resourceId, Instant expiresAt)
        implements PortalToClient {
    }
}
