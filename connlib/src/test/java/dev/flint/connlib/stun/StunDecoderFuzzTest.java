package dev.flint.connlib.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.turn.ChannelData;

/** Hostile bytes never throw out of the STUN, ChannelData or candidate parsers. */
class StunDecoderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void stunDecodeNeverThrows(byte[] data) {
        StunDecodeResult r = StunCodec.decode(data);
        if (r instanceof ReceivedStun received) {
            // Whatever decoded must re-encode and decode to the same attributes.
            byte[] again = StunCodec.encode(received.message());
            assertThat(StunCodec.decode(again)).isInstanceOf(ReceivedStun.class);
            received.integrityMatches(IntegrityKey.shortTerm("pw"));
        }
    }

    @FuzzTest(maxDuration = "3s")
    void channelDataDecodeNeverThrows(byte[] data) {
        if (ChannelData.decode(data, 0, data.length) instanceof ChannelData.Result.Decoded(ChannelData cd)) {
            assertThat(cd.encode()).isEqualTo(data);
        }
    }

    @FuzzTest(maxDuration = "3s")
    void candidateParseNeverThrows(FuzzedDataProvider data) {
        Candidate.parse(data.consumeRemainingAsString());
    }

    private static final java.net.InetSocketAddress RELAY = new java.net.InetSocketAddress("192.0.2.100", 3478);
    private static final java.net.InetSocketAddress LOCAL = new java.net.InetSocketAddress("203.0.113.10", 52625);

    /** Whole datagrams from a relay's port 3478 or from a peer go through every demultiplexing branch. */
    @FuzzTest(maxDuration = "5s")
    void peerNodeInputNeverThrows(FuzzedDataProvider data) {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        var random = new java.util.SplittableRandom(1);
        var node = new dev.flint.connlib.peer.PeerNode(
                dev.flint.connlib.wireguard.WireGuardKey.generatePrivate(random), true, random, now);
        node.updateRelays(java.util.List.of(), java.util.List.of(new dev.flint.connlib.peer.Relay(
                new java.util.UUID(0, 1), java.util.List.of(RELAY),
                new dev.flint.connlib.turn.RelayCredentials("2145916800:salt", "pw"))), now);
        node.upsertConnection(new java.util.UUID(0, 2),
                dev.flint.connlib.wireguard.WireGuardKey.generatePrivate(random).publicKey(), null,
                new dev.flint.connlib.ice.IceCredentials("gate", "gatewaypasswordxxxxxxx"),
                new dev.flint.connlib.ice.IceCredentials("clnt", "clientpasswordxxxxxxxx"),
                dev.flint.connlib.ice.IceRole.CONTROLLED, now);
        while (data.remainingBytes() > 0) {
            boolean fromRelay = data.consumeBoolean();
            byte[] datagram = data.consumeBytes(data.consumeInt(0, 1500));
            node.handleNetworkInput(LOCAL, fromRelay ? RELAY : new java.net.InetSocketAddress("198.51.100.7", 3478),
                    datagram, 0, datagram.length, now);
            now = now.plusMillis(data.consumeInt(0, 30_000));
            node.handleTimeout(now);
            while (node.pollTransmit() != null || node.pollEvent() != null || node.pollPacket() != null) {
                // drain
            }
        }
    }
}
