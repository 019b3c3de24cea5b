package dev.flint.connlib.portal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Messages a client sends to the portal on topic {@code client}; the portal answers with pushes. */
public sealed interface ClientToPortal extends PortalMessage {

    /**
     * Ask for access to a resource (v1 name {@code create_flow}). For device-pool resources exactly one of
     * {@code ipv4}/{@code ipv6} names the target member; otherwise both are null.
     */
    record RequestAuthorization(UUID resourceId, List<UUID> connectedGatewayIds, Inet4Address ipv4,
                                Inet6Address ipv6) implements ClientToPortal {
        public RequestAuthorization {
            Objects.requireNonNull(resourceId, "resourceId");
            connectedGatewayIds = List.copyOf(connectedGatewayIds);
        }

        public static RequestAuthorization of(UUID resourceId, List<UUID> connectedGatewayIds) {
            return new RequestAuthorization(resourceId, connectedGatewayIds, null, null);
        }
    }

    /** Our new ICE candidates for one gateway. */
    record NewGatewayIceCandidates(UUID gatewayId, List<String> candidates) implements ClientToPortal {
        public NewGatewayIceCandidates {
            Objects.requireNonNull(gatewayId, "gatewayId");
            candidates = List.copyOf(candidates);
        }
    }

    /** ICE candidates we withdraw for one gateway. */
    record InvalidateGatewayIceCandidates(UUID gatewayId, List<String> candidates) implements ClientToPortal {
        public InvalidateGatewayIceCandidates {
            Objects.requireNonNull(gatewayId, "gatewayId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Legacy (pre-1.4) form still accepted by the portal: candidates for several gateways. */
    record BroadcastIceCandidates(List<String> candidates, List<UUID> gatewayIds) implements ClientToPortal {
        public BroadcastIceCandidates {
            candidates = List.copyOf(candidates);
            gatewayIds = List.copyOf(gatewayIds);
        }
    }

    /** Legacy (pre-1.4) form of withdrawing candidates for several gateways. */
    record BroadcastInvalidatedIceCandidates(List<String> candidates, List<UUID> gatewayIds)
        implements ClientToPortal {
        public BroadcastInvalidatedIceCandidates {
            candidates = List.copyOf(candidates);
            gatewayIds = List.copyOf(gatewayIds);
        }
    }

    /** Client-to-client: our new candidates for a peer client. */
    record NewClientIceCandidates(UUID clientId, List<String> candidates) implements ClientToPortal {
        public NewClientIceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Client-to-client: candidates we withdraw for a peer client. */
    record InvalidateClientIceCandidates(UUID clientId, List<String> candidates) implements ClientToPortal {
        public InvalidateClientIceCandidates {
            Objects.requireNonNull(clientId, "clientId");
            candidates = List.copyOf(candidates);
        }
    }

    /** Ask the portal to resolve a name in a dynamic device pool. */
    record ResolveDevicePoolDomain(UUID resourceId, String domain) implements ClientToPortal {
        public ResolveDevicePoolDomain {
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** "I have no usable TURN servers"; the portal answers with {@code relays_presence}. */
    record NoRelays() implements ClientToPortal {
    }

    /** Sent after every join; Flint always advertises {@code iceless: false}. */
    record SetSnownetCapabilities(boolean iceless) implements ClientToPortal {
    }

    /** Old proof-of-concept event the portal accepts and ignores; the payload is carried as is. */
    record RequestDeviceAccess(JsonNode payload) implements ClientToPortal {
        public RequestDeviceAccess {
            Objects.requireNonNull(payload, "payload");
        }
    }
}
