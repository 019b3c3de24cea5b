package dev.flint.shell.client;

import dev.flint.connlib.peer.ConnectionStats;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.tunnel.ResourceState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of the tunnel for status displays: every gateway connection of the peer layer, every resource's
 * state in {@code ClientState} and the relays in use (with credentials, for connectivity checks), taken at {@code at}.
 */
public record TunnelStatus(Instant at, List<ConnectionStats> connections, List<ResourceState> resources,
                           List<Relay> relays) {
    public TunnelStatus {
        Objects.requireNonNull(at, "at");
        connections = List.copyOf(connections);
        resources = List.copyOf(resources);
        relays = List.copyOf(relays);
    }
}
