package dev.flint.tunnel.service;

import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.peer.ConnectionStats;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.tunnel.ResourceState;
import dev.flint.ipc.CandidateView;
import dev.flint.ipc.ConnectionPath;
import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.PathKind;
import dev.flint.ipc.RelayView;
import dev.flint.ipc.ResourceStatus;
import dev.flint.shell.client.TunnelStatus;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The tunnel's status snapshot as the GUI is told it: resource statuses and gateway connections. */
final class StatusMapping {
    /** A failed resource shows offline this long (Firezone shows all-gateways-offline for five minutes). */
    static final Duration OFFLINE_FOR = Duration.ofMinutes(5);

    private StatusMapping() {}

    /**
     * Each resource's status from what the tunnel did: online when its gateway connection is up, connecting
     * while its connection is being set up, offline for {@link #OFFLINE_FOR} after a failure (or while
     * {@code offlineUntil} says so) even while retries ask again, connecting while a first authorization is
     * pending, unknown when it was never used.
     */
    static Map<UUID, ResourceStatus> statuses(List<ResourceState> states, Instant now, Map<UUID, Instant> offlineUntil) {
        Map<UUID, ResourceStatus> out = new LinkedHashMap<>();
        for (ResourceState s : states) {
            ResourceStatus status;
            boolean failedRecently = (s.failedAt() != null && now.isBefore(s.failedAt().plus(OFFLINE_FOR)))
                    || now.isBefore(offlineUntil.getOrDefault(s.resource(), Instant.MIN));
            if (s.gateway() != null && s.gatewayConnected()) {
                status = ResourceStatus.ONLINE;
            } else if (s.gateway() != null) {
                status = ResourceStatus.CONNECTING;
            } else if (failedRecently) {
                // Retransmissions keep asking for access; until one succeeds the resource stays offline.
                status = ResourceStatus.OFFLINE;
            } else if (s.authorizationPending()) {
                status = ResourceStatus.CONNECTING;
            } else {
                status = ResourceStatus.UNKNOWN;
            }
            out.put(s.resource(), status);
        }
        return out;
    }

    /** Every gateway connection with the resources it serves, in the peer layer's order. */
    static List<GatewayConnection> connections(TunnelStatus status) {
        List<GatewayConnection> out = new ArrayList<>();
        for (ConnectionStats c : status.connections()) {
            List<UUID> resources = status.resources().stream().filter(r -> c.peer().equals(r.gateway()))
                    .map(ResourceState::resource).toList();
            out.add(new GatewayConnection(c.peer(), resources, c.established(), path(c.path()),
                    c.rtt() == null ? null : c.rtt().toNanos() / 1000, c.bytesSent(), c.bytesReceived(),
                    c.lastHandshake() == null ? null : c.lastHandshake().toEpochMilli()));
        }
        return out;
    }

    static ConnectionPath path(NominatedPair pair) {
        if (pair == null) {
            return null;
        }
        PathKind kind = pair.pathType() == PathType.RELAYED ? PathKind.RELAYED : PathKind.DIRECT;
        return new ConnectionPath(kind, candidate(pair.local()), candidate(pair.remote()));
    }

    private static CandidateView candidate(Candidate c) {
        return new CandidateView(c.type().sdpName(), address(c.address()));
    }

    static String address(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static List<RelayView> relays(List<Relay> relays) {
        return relays.stream().map(r -> new RelayView(r.id(), r.addresses().stream().map(StatusMapping::address).toList(),
                r.credentials().username(), r.credentials().password())).toList();
    }
}
