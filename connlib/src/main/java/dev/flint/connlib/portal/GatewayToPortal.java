package dev.flint.connlib.portal;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Messages a gateway sends to the portal on topic {@code gateway}. */
public sealed interface GatewayToPortal extends PortalMessage {

    /** The gateway set up the authorization (v1 name {@code flow_authorized}); echoes the opaque ref. */
    record AuthorizationCreated(String ref) implements GatewayToPortal {
        public AuthorizationCreated {
            Objects.requireNonNull(ref, "ref");
        }
    }

    /** New candidates of the gateway, for the listed clients (connlib sends one at a time). */
    record BroadcastIceCandidates(List<UUID> clientIds, List<String> candidates) implements GatewayToPortal {
        public BroadcastIceCandidates {
            clientIds = List.copyOf(clientIds);
            candidates = List.copyOf(candidates);
        }
    }

    /** Candidates the gateway withdrew, for the listed clients. */
    record BroadcastInvalidatedIceCandidates(List<UUID> clientIds, List<String> candidates)
        implements GatewayToPortal {
        public BroadcastInvalidatedIceCandidates {
            clientIds = List.copyOf(clientIds);
            candidates = List.copyOf(candidates);
        }
    }

    /** The gateway has no usable TURN servers. */
    record NoRelays() implements GatewayToPortal {
    }

    /** ICE-less capability; Flint's devstack gateway advertises false. */
    record SetSnownetCapabilities(boolean iceless) implements GatewayToPortal {
    }
}
