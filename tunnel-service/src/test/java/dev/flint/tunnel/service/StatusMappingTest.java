package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.peer.ConnectionStats;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.IpNetwork;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.ResourceState;
import dev.flint.ipc.CandidateView;
import dev.flint.ipc.ConnectionPath;
import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.PathKind;
import dev.flint.ipc.ResourceStatus;
import dev.flint.shell.client.TunnelStatus;
import dev.flint.tunnel.os.Cidr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final UUID GW = new UUID(0, 0x61);
    static final UUID USED = new UUID(0, 1);
    static final UUID WAITING = new UUID(0, 2);
    static final UUID FAILED = new UUID(0, 3);
    static final UUID LONG_AGO = new UUID(0, 4);
    static final UUID NEVER = new UUID(0, 5);
    static final UUID ALL_OFFLINE = new UUID(0, 6);

    @Test
    void statusesComeFromWhatTheTunnelDid() {
        var states = List.of(
                new ResourceState(USED, GW, true, false, null, null),
                new ResourceState(WAITING, null, false, true, null, null),
                new ResourceState(FAILED, null, false, false, ResourceState.Failure.CONNECTION_FAILED, NOW.minusSeconds(10)),
                new ResourceState(LONG_AGO, null, false, false, ResourceState.Failure.AUTHORIZATION_FAILED,
                        NOW.minus(StatusMapping.OFFLINE_FOR)),
                new ResourceState(NEVER, null, false, false, null, null),
                new ResourceState(ALL_OFFLINE, null, false, false, null, null));
        assertThat(StatusMapping.statuses(states, NOW, Map.of(ALL_OFFLINE, NOW.plusSeconds(60)))).containsExactly(
                Map.entry(USED, ResourceStatus.ONLINE), Map.entry(WAITING, ResourceStatus.CONNECTING),
                Map.entry(FAILED, ResourceStatus.OFFLINE), Map.entry(LONG_AGO, ResourceStatus.UNKNOWN),
                Map.entry(NEVER, ResourceStatus.UNKNOWN), Map.entry(ALL_OFFLINE, ResourceStatus.OFFLINE));
        assertThat(StatusMapping.statuses(List.of(new ResourceState(USED, GW, false, false, null, null)), NOW, Map.of()))
                .containsEntry(USED, ResourceStatus.CONNECTING);
        // A retry after a failure does not flip the resource back to connecting until access is granted again.
        assertThat(StatusMapping.statuses(List.of(new ResourceState(FAILED, null, false, true,
                ResourceState.Failure.AUTHORIZATION_FAILED, NOW.minusSeconds(3))), NOW, Map.of()))
                .containsEntry(FAILED, ResourceStatus.OFFLINE);
        assertThat(StatusMapping.statuses(List.of(new ResourceState(ALL_OFFLINE, GW, false, false, null, null)), NOW,
                Map.of(ALL_OFFLINE, NOW.plusSeconds(60)))).containsEntry(ALL_OFFLINE, ResourceStatus.CONNECTING);
    }

    @Test
    void connectionsCarryPathCandidatesRttBytesHandshakeAndTheirResources() {
        var local = Candidate.relayed(new InetSocketAddress("192.0.2.100", 49152), new InetSocketAddress("10.0.0.10", 52625));
        var remote = Candidate.host(new InetSocketAddress("2001:db8::10", 52625));
        var pair = new NominatedPair(local, remote, local.address(), remote.address());
        var status = new TunnelStatus(NOW, List.of(new ConnectionStats(GW, true, pair, Duration.ofMillis(23), 1000, 2000,
                NOW.minusSeconds(5)), new ConnectionStats(new UUID(0, 0x62), false, null, null, 0, 0, null)),
                List.of(new ResourceState(USED, GW, true, false, null, null), new ResourceState(NEVER, null, false, false, null, null)),
                List.of());
        assertThat(StatusMapping.connections(status)).containsExactly(
                new GatewayConnection(GW, List.of(USED), true, new ConnectionPath(PathKind.RELAYED,
                        new CandidateView("relay", "192.0.2.100:49152"), new CandidateView("host", "[2001:db8:0:0:0:0:0:10]:52625")),
                        23_000L, 1000, 2000, NOW.minusSeconds(5).toEpochMilli()),
                new GatewayConnection(new UUID(0, 0x62), List.of(), false, null, null, 0, 0, null));
    }

    @Test
    void theSelfTestProbesASingleHostOnAPortItsFiltersAllow() {
        var site = List.of(new dev.flint.connlib.portal.Site(new UUID(0, 9), "Lab"));
        assertThat(ProbeTarget.of(new Resource.Dns(USED, "web.flint.test", null, "Web", IpStack.DUAL, site, List.of())))
                .contains(new ProbeTarget("web.flint.test", 80));
        assertThat(ProbeTarget.of(new Resource.Dns(USED, "*.flint.test", null, "All", IpStack.DUAL, site, List.of()))).isEmpty();
        assertThat(ProbeTarget.of(new Resource.Cidr(USED, new IpNetwork(ConnlibSessionTest.ip("172.20.0.10"), 32), null, "Host",
                site, List.of(new Filter.Tcp(8000, 8100), new Filter.Tcp(443, 443))))).contains(new ProbeTarget("172.20.0.10", 443));
        assertThat(ProbeTarget.of(new Resource.Cidr(USED, new IpNetwork(ConnlibSessionTest.ip("172.20.0.0"), 24), null, "Net",
                site, List.of()))).isEqualTo(Optional.empty());
        assertThat(ProbeTarget.port(List.of(new Filter.Udp(53, 53)))).isEmpty();
    }
}
