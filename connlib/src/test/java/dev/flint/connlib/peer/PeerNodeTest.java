package dev.flint.connlib.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.ice.IceAgent;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.IceTiming;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunClass;
import dev.flint.connlib.stun.StunCodec;
import dev.flint.connlib.turn.ChannelData;
import dev.flint.connlib.turn.RelayCredentials;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The demultiplexing and connection lifecycle rules of {@link PeerNode}, one datagram at a time. */
class PeerNodeTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("203.0.113.10", 52625);
    static final InetSocketAddress RELAY = new InetSocketAddress("192.0.2.100", 3478);
    static final UUID CID = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    static final IceCredentials CLIENT = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
    static final IceCredentials GATEWAY = new IceCredentials("gate", "gatewaypasswordxxxxxxx");

    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final SplittableRandom random = new SplittableRandom(11);
    final PeerNode gateway = new PeerNode(WireGuardKey.generatePrivate(random), true, random, now);
    final WireGuardKey clientKey = WireGuardKey.generatePrivate(random).publicKey();

    void withRelayAndConnection() {
        gateway.updateRelays(List.of(), List.of(new Relay(UUID.randomUUID(), List.of(RELAY),
                new RelayCredentials("2145916800:salt", "pw"))), now);
        assertThat(gateway.upsertConnection(CID, clientKey, null, GATEWAY, CLIENT, IceRole.CONTROLLED, now)).isTrue();
        drainTransmits();
    }

    List<Transmit> drainTransmits() {
        List<Transmit> out = new ArrayList<>();
        for (var t = gateway.pollTransmit(); t != null; t = gateway.pollTransmit()) {
            out.add(t);
        }
        return out;
    }

    @Test
    void relaysAreListedWithTheirCurrentCredentials() {
        UUID id = UUID.fromString("00000000-0000-0000-0000-0000000000bb");
        gateway.updateRelays(List.of(), List.of(new Relay(id, List.of(RELAY), new RelayCredentials("2145916800:salt", "pw"))), now);
        assertThat(gateway.relays()).containsExactly(new Relay(id, List.of(RELAY), new RelayCredentials("2145916800:salt", "pw")));
        gateway.updateRelays(List.of(id), List.of(), now);
        assertThat(gateway.relays()).isEmpty();
    }

    @Test
    void noRelaysMeansNoConnection() {
        assertThat(gateway.upsertConnection(CID, clientKey, null, GATEWAY, CLIENT, IceRole.CONTROLLED, now)).isFalse();
        assertThat(gateway.pollEvent()).isInstanceOf(PeerEvent.NoRelays.class);
    }

    @Test
    void iceCheckFromAPeerMappedToPort3478IsNotMistakenForRelayTraffic() {
        withRelayAndConnection();
        InetSocketAddress peer = new InetSocketAddress("198.51.100.7", 3478);
        IceAgent client = new IceAgent(IceRole.CONTROLLING, CLIENT, GATEWAY, IceTiming.CLIENT_DEFAULT, random);
        client.addLocalCandidate(Candidate.host(peer), now);
        client.addRemoteCandidate(Candidate.host(LOCAL), now);
        client.handleTimeout(now);
        byte[] check = client.pollTransmit().payload();
        gateway.handleNetworkInput(LOCAL, peer, check, 0, check.length, now);
        List<Transmit> out = drainTransmits();
        assertThat(out).anySatisfy(t -> {
            assertThat(t.destination()).isEqualTo(peer);
            assertThat(t.source()).isEqualTo(LOCAL);
            assertThat(((ReceivedStun) StunCodec.decode(t.payload())).message().messageClass())
                    .isEqualTo(StunClass.SUCCESS_RESPONSE);
        });
    }

    @Test
    void channelDataOnAnUnboundChannelIsDropped() {
        withRelayAndConnection();
        byte[] cd = ChannelData.encode(0x4001, new byte[] {1, 2, 3, 4}, 0, 4);
        gateway.handleNetworkInput(LOCAL, RELAY, cd, 0, cd.length, now);
        assertThat(gateway.pollPacket()).isNull();
        assertThat(drainTransmits()).isEmpty();
    }

    @Test
    void checksForAnotherUfragAreIgnored() {
        withRelayAndConnection();
        InetSocketAddress peer = new InetSocketAddress("198.51.100.7", 52625);
        IceAgent stranger = new IceAgent(IceRole.CONTROLLING, new IceCredentials("xxxx", "strangerpasswordxxxxxx"),
                new IceCredentials("yyyy", "yyyyyyyyyyyyyyyyyyyyyy"), IceTiming.CLIENT_DEFAULT, random);
        stranger.addLocalCandidate(Candidate.host(peer), now);
        stranger.addRemoteCandidate(Candidate.host(LOCAL), now);
        stranger.handleTimeout(now);
        byte[] check = stranger.pollTransmit().payload();
        gateway.handleNetworkInput(LOCAL, peer, check, 0, check.length, now);
        assertThat(drainTransmits()).isEmpty();
    }

    @Test
    void identicalUpsertReusesTheConnectionAndResignalsCandidates() {
        withRelayAndConnection();
        while (gateway.pollEvent() != null) {
        }
        assertThat(gateway.upsertConnection(CID, clientKey, null, GATEWAY, CLIENT, IceRole.CONTROLLED, now)).isTrue();
        List<PeerEvent> events = new ArrayList<>();
        for (var e = gateway.pollEvent(); e != null; e = gateway.pollEvent()) {
            events.add(e);
        }
        assertThat(events).noneSatisfy(e -> assertThat(e).isInstanceOf(PeerEvent.ConnectionClosed.class));
        assertThat(gateway.connectionIds()).containsExactly(CID);
    }

    @Test
    void malformedCandidatesAreSkipped() {
        gateway.updateRelays(List.of(), List.of(new Relay(UUID.randomUUID(), List.of(RELAY),
                new RelayCredentials("2145916800:salt", "pw"))), now);
        var binding = ((ReceivedStun) StunCodec.decode(drainTransmits().getFirst().payload())).message();
        byte[] answer = StunCodec.encode(dev.flint.connlib.stun.StunMessage.successResponse(
                dev.flint.connlib.stun.StunMethod.BINDING, binding.transactionId())
                .add(new dev.flint.connlib.stun.StunAttribute.XorMappedAddress(LOCAL)).build());
        gateway.handleNetworkInput(LOCAL, RELAY, answer, 0, answer.length, now);
        assertThat(gateway.upsertConnection(CID, clientKey, null, GATEWAY, CLIENT, IceRole.CONTROLLED, now)).isTrue();
        drainTransmits();
        gateway.addRemoteCandidate(CID, "candidate:1 1 udp 1 evil.example 1 typ host", now);
        gateway.addRemoteCandidate(CID, "nonsense", now);
        gateway.addRemoteCandidate(CID, "candidate:1 1 udp 2130706175 198.51.100.7 52625 typ host", now);
        assertThat(drainTransmits()).singleElement()
                .satisfies(t -> assertThat(t.destination()).isEqualTo(new InetSocketAddress("198.51.100.7", 52625)));
    }

    @Test
    void resetClosesConnectionsRestartsAllocationsAndChangesTheKey() {
        withRelayAndConnection();
        while (gateway.pollEvent() != null) {
        }
        WireGuardKey before = gateway.publicKey();
        gateway.reset(now);
        assertThat(gateway.publicKey()).isNotEqualTo(before);
        assertThat(gateway.connectionIds()).isEmpty();
        assertThat(gateway.pollEvent()).isInstanceOf(PeerEvent.ConnectionClosed.class);
        assertThat(drainTransmits()).singleElement().satisfies(t -> {
            assertThat(t.destination()).isEqualTo(RELAY);
            assertThat(((ReceivedStun) StunCodec.decode(t.payload())).message().method())
                    .isEqualTo(dev.flint.connlib.stun.StunMethod.BINDING);
        });
    }

    @Test
    void optimisticCandidatesPairTheSrflxAddressWithTheHostPort() {
        Candidate host = Candidate.host(new InetSocketAddress("10.0.0.10", 52625));
        Candidate srflx = Candidate.serverReflexive(new InetSocketAddress("198.51.100.1", 40000), host.address());
        assertThat(PeerNode.optimisticCandidates(List.of(host, srflx))).singleElement().satisfies(c -> {
            assertThat(c.address()).isEqualTo(new InetSocketAddress("198.51.100.1", 52625));
            assertThat(c.type()).isEqualTo(dev.flint.connlib.ice.CandidateType.SERVER_REFLEXIVE);
        });
        Candidate v6host = Candidate.host(new InetSocketAddress("2001:db8::5", 52625));
        assertThat(PeerNode.optimisticCandidates(List.of(v6host, srflx))).isEmpty();
    }
}
