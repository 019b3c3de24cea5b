package dev.flint.connlib.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.CandidateType;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.peer.SimNetwork.Host;
import dev.flint.connlib.sim.SimRelay;
import dev.flint.connlib.sim.VirtualNetwork.Nat;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Client and gateway PeerNodes through simulated NATs and relays, in virtual time. */
class PeerScenarioTest {
    static final UUID CID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    SimNetwork net;
    Host client;
    Host gateway;

    void topology(Nat clientNat, Nat gatewayNat, long seed, String... relayIps) {
        net = new SimNetwork(seed);
        client = clientNat == Nat.NONE ? net.addHost("198.51.100.10", Nat.NONE, null, false)
                : net.addHost("10.0.0.10", clientNat, "198.51.100.1", false);
        gateway = gatewayNat == Nat.NONE ? net.addHost("203.0.113.10", Nat.NONE, null, true)
                : net.addHost("10.1.0.10", gatewayNat, "203.0.113.1", true);
        client.peer = gateway;
        gateway.peer = client;
        List<Relay> relays = java.util.Arrays.stream(relayIps).map(net::addRelay).map(SimNetwork::relayFor).toList();
        client.node.updateRelays(List.of(), relays, net.now);
        gateway.node.updateRelays(List.of(), relays, net.now);
        net.run(Duration.ofSeconds(1));
    }

    NominatedPair connect() {
        IceCredentials cc = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
        IceCredentials gc = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
        WireGuardKey psk = WireGuardKey.generatePreshared(new java.util.SplittableRandom(1));
        assertThat(gateway.node.upsertConnection(CID, client.node.publicKey(), psk, gc, cc, IceRole.CONTROLLED, net.now)).isTrue();
        assertThat(client.node.upsertConnection(CID, gateway.node.publicKey(), psk, cc, gc, IceRole.CONTROLLING, net.now)).isTrue();
        net.run(Duration.ofSeconds(5));
        assertThat(client.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionEstablished.class));
        assertDataFlowsBothWays();
        return client.node.path(CID).orElseThrow();
    }

    void assertDataFlowsBothWays() {
        int before = gateway.packets.size();
        client.node.encapsulate(CID, ipPacket(7), net.now).ifPresent(t -> client.outbound(t.destination(), t.payload()));
        net.run(Duration.ofMillis(200));
        assertThat(gateway.packets.size()).isGreaterThan(before);
        int back = client.packets.size();
        gateway.node.encapsulate(CID, ipPacket(8), net.now).ifPresent(t -> gateway.outbound(t.destination(), t.payload()));
        net.run(Duration.ofMillis(200));
        assertThat(client.packets.size()).isGreaterThan(back);
    }

    static byte[] ipPacket(int marker) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 28).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        b.put(new byte[] {100, 64, 0, 2}).put(new byte[] {100, 64, 0, 1}).putInt(marker).putInt(0);
        return b.array();
    }

    @Test
    void publicHostsUseTheDirectPath() {
        topology(Nat.NONE, Nat.NONE, 1, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.DIRECT);
        assertThat(gateway.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.DIRECT);
    }

    @Test
    void connectionStatsReportPathRoundTripBytesAndHandshake() {
        topology(Nat.NONE, Nat.NONE, 1, "192.0.2.100");
        java.time.Instant connectedAt = net.now;
        connect();
        List<ConnectionStats> stats = client.node.connectionStats();
        assertThat(stats).singleElement().satisfies(s -> {
            assertThat(s.peer()).isEqualTo(CID);
            assertThat(s.established()).isTrue();
            assertThat(s.path().pathType()).isEqualTo(PathType.DIRECT);
            // SimNetwork delays every datagram by LATENCY each way, and the checks are answered at once.
            assertThat(s.rtt()).isEqualTo(SimNetwork.LATENCY.multipliedBy(2));
            assertThat(s.bytesSent()).isPositive();
            assertThat(s.bytesReceived()).isPositive();
            assertThat(s.lastHandshake()).isAfter(connectedAt).isBeforeOrEqualTo(net.now);
        });
    }

    @Test
    void connectionStatsOfARelayedPathIncludeTheRelayHops() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 5, "192.0.2.100");
        connect();
        ConnectionStats s = client.node.connectionStats().getFirst();
        assertThat(s.path().pathType()).isEqualTo(PathType.RELAYED);
        assertThat(s.rtt()).isGreaterThan(SimNetwork.LATENCY.multipliedBy(2));
    }

    @Test
    void portRestrictedClientUsesServerReflexive() {
        topology(Nat.PORT_RESTRICTED, Nat.NONE, 2, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        assertThat(gateway.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
    }

    @Test
    void fullConeOnBothSidesUsesServerReflexive() {
        topology(Nat.FULL_CONE, Nat.FULL_CONE, 3, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
    }

    @Test
    void portRestrictedOnBothSidesStillPunchesThrough() {
        topology(Nat.PORT_RESTRICTED, Nat.PORT_RESTRICTED, 4, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
    }

    @Test
    void symmetricNatsOnBothSidesUseTheRelay() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 5, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.RELAYED);
    }

    @Test
    void symmetricNatsWithLossStillConnectThroughTheRelay() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 6, "192.0.2.100");
        net.loss = 0.1;
        IceCredentials cc = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
        IceCredentials gc = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
        WireGuardKey psk = WireGuardKey.generatePreshared(new java.util.SplittableRandom(1));
        gateway.node.upsertConnection(CID, client.node.publicKey(), psk, gc, cc, IceRole.CONTROLLED, net.now);
        client.node.upsertConnection(CID, gateway.node.publicKey(), psk, cc, gc, IceRole.CONTROLLING, net.now);
        net.run(Duration.ofSeconds(30));
        assertThat(client.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionEstablished.class));
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.RELAYED);
        net.loss = 0;
        assertDataFlowsBothWays();
    }

    @Test
    void relayGoingAwayFailsOverToTheOtherRelay() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 7, "192.0.2.100", "192.0.2.200");
        NominatedPair before = connect();
        assertThat(before.pathType()).isEqualTo(PathType.RELAYED);
        java.net.InetAddress dead = before.source().getAddress().equals(client.local.getAddress())
                ? before.destination().getAddress() : before.source().getAddress();
        SimRelay gone = net.relays.stream().filter(r -> r.address.getAddress().equals(dead)).findFirst().orElseThrow();
        net.unreachable.add(dead);
        client.node.updateRelays(List.of(SimNetwork.relayFor(gone).id()), List.of(), net.now);
        gateway.node.updateRelays(List.of(SimNetwork.relayFor(gone).id()), List.of(), net.now);
        net.run(Duration.ofSeconds(5));
        NominatedPair after = client.node.path(CID).orElseThrow();
        assertThat(after.pathType()).isEqualTo(PathType.RELAYED);
        assertThat(after.source().getAddress()).isNotEqualTo(dead);
        assertThat(after.destination().getAddress()).isNotEqualTo(dead);
        assertThat(client.events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
        assertDataFlowsBothWays();
    }

    @Test
    void aRelayThatRestartedIsAllocatedAgainAndTheRelayedPathHeals() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 13, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.RELAYED);
        assertThat(steadyTraffic(Duration.ofSeconds(2))).isZero();
        SimRelay relay = net.relays.getFirst();
        int allocations = relay.allocations;

        relay.restart(); // at the same address, with the same credentials: no relay update tells either side
        // ICE notices the dead path after its 16.5 s timeout; each side then probes its allocation, gets 437 and
        // allocates again, and ICE moves the same connection to the new relayed addresses.
        steadyTraffic(Duration.ofSeconds(30));
        assertThat(relay.allocations).as("both sides allocated again").isEqualTo(allocations + 2);
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.RELAYED);
        assertThat(client.events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
        assertThat(steadyTraffic(Duration.ofSeconds(2))).isZero();
    }

    @Test
    void aPathThroughARelayThatWasRemovedSendsNothingFromTheOldRelayedAddress() {
        topology(Nat.SYMMETRIC, Nat.SYMMETRIC, 5, "192.0.2.100");
        connect();
        NominatedPair path = gateway.node.path(CID).orElseThrow();
        assertThat(path.local().type()).isEqualTo(CandidateType.RELAYED);
        // The portal says the relay is gone; ICE on this (controlled) side has no pair left and waits.
        gateway.node.updateRelays(List.of(SimNetwork.relayFor(net.relays.getFirst()).id()), List.of(), net.now);
        assertThat(gateway.node.encapsulate(CID, ipPacket(9), net.now)).isEmpty();
        net.run(Duration.ofSeconds(3)); // the drain checks every transmit comes from the host's own address
        assertThat(gateway.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
    }

    @Test
    void connectionFailsWithoutRemoteCandidates() {
        topology(Nat.NONE, Nat.NONE, 8, "192.0.2.100");
        client.peer = null;
        gateway.peer = null;
        IceCredentials cc = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
        IceCredentials gc = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
        client.node.upsertConnection(CID, gateway.node.publicKey(), null, cc, gc, IceRole.CONTROLLING, net.now);
        net.run(Duration.ofSeconds(9));
        assertThat(client.events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
        net.run(Duration.ofSeconds(2));
        assertThat(client.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
    }

    @Test
    void silentRelayDeathLeavesTheDirectPathUpAndReportsNoRelays() {
        topology(Nat.NONE, Nat.NONE, 9, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.DIRECT);
        net.unreachable.add(net.relays.getFirst().address.getAddress());
        net.run(Duration.ofSeconds(60));
        assertThat(client.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.NoRelays.class));
        assertThat(client.events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.DIRECT);
        assertDataFlowsBothWays();
    }

    @Test
    void idleConnectionsSlowTheirKeepalivesAndWakeOnTraffic() {
        topology(Nat.NONE, Nat.NONE, 10, "192.0.2.100");
        connect();
        net.run(Duration.ofSeconds(1));
        client.stunSent = 0;
        net.run(Duration.ofSeconds(15));
        int active = client.stunSent; // client_default: a check per working pair every 1.5 s
        net.run(Duration.ofSeconds(30)); // idle after 20 s without packets
        client.stunSent = 0;
        net.run(Duration.ofSeconds(15));
        int idle = client.stunSent; // client_idle: every 25 s
        assertThat(active).isGreaterThanOrEqualTo(9);
        assertThat(idle).isLessThan(active / 3);
        assertDataFlowsBothWays();
        client.stunSent = 0;
        net.run(Duration.ofSeconds(15));
        assertThat(client.stunSent).isGreaterThanOrEqualTo(9);
        assertThat(client.node.path(CID)).isPresent();
    }

    /** Packets both ways every 100 ms for {@code d}, as a busy TCP flow would send; returns how many were lost. */
    int steadyTraffic(Duration d) {
        int sent = 0;
        int before = gateway.packets.size() + client.packets.size();
        for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plusMillis(100)) {
            client.node.encapsulate(CID, ipPacket(sent), net.now).ifPresent(x -> client.outbound(x.destination(), x.payload()));
            gateway.node.encapsulate(CID, ipPacket(sent), net.now).ifPresent(x -> gateway.outbound(x.destination(), x.payload()));
            sent += 2;
            net.run(Duration.ofMillis(100));
        }
        net.run(Duration.ofMillis(100));
        return sent - (gateway.packets.size() + client.packets.size() - before);
    }

    long handshakes(Host h) {
        return h.events.stream().filter(e -> e instanceof PeerEvent.ConnectionEstablished).count();
    }

    @Test
    void dataFlowsOverTheRelayFirstAndMovesToTheDirectPathWhenItStartsToWork() {
        topology(Nat.PORT_RESTRICTED, Nat.PORT_RESTRICTED, 11, "192.0.2.100");
        net.directBlocked = true;
        NominatedPair first = connect();
        assertThat(first.pathType()).isEqualTo(PathType.RELAYED);
        assertThat(steadyTraffic(Duration.ofSeconds(2))).isZero();

        net.directBlocked = false; // the direct path starts to work 5 s after the connection came up
        int lost = steadyTraffic(Duration.ofSeconds(5));
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        assertThat(gateway.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        assertThat(client.events).anySatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.PathChanged.class));
        // The same WireGuard session carries on: no second establishment, nothing lost on the move.
        assertThat(handshakes(client)).isEqualTo(1);
        assertThat(lost).isZero();
    }

    @Test
    void aDeadDirectPathFallsBackToTheRelayWithinSecondsAndUpgradesAgainWhenItWorks() {
        topology(Nat.PORT_RESTRICTED, Nat.PORT_RESTRICTED, 12, "192.0.2.100");
        assertThat(connect().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        steadyTraffic(Duration.ofSeconds(3));

        net.directBlocked = true; // the direct path dies; the relay still works
        steadyTraffic(Duration.ofSeconds(5));
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.RELAYED);
        assertThat(gateway.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.RELAYED);
        assertThat(steadyTraffic(Duration.ofSeconds(2))).isZero();

        net.directBlocked = false;
        steadyTraffic(Duration.ofSeconds(5));
        assertThat(client.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        assertThat(gateway.node.path(CID).orElseThrow().pathType()).isEqualTo(PathType.SERVER_REFLEXIVE);
        assertThat(steadyTraffic(Duration.ofSeconds(2))).isZero();
        assertThat(handshakes(client)).isEqualTo(1);
        assertThat(client.events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionFailed.class));
    }
}
