package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.NodePair.ipv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Handshakes, data, rotation, cookies and peer management of {@link WireGuardNode}, with explicit instants. */
class WireGuardNodeTest {

    @Test
    void handshakeThenDataBothWays() {
        var p = new NodePair(WireGuardConfig.standard(), 1);
        p.handshake();
        assertThat(p.eventsA).singleElement().isEqualTo(new WireGuardEvent.HandshakeCompleted(p.bOnA, p.now, true));
        assertThat(p.eventsB).singleElement().isEqualTo(new WireGuardEvent.HandshakeCompleted(p.aOnB, p.now, false));

        byte[] packet = ipv4(100, 7);
        Received r = p.deliver(p.a, p.seal(p.a, packet));
        assertThat(r.kind()).isEqualTo(Received.Kind.DATA);
        assertThat(r.peer()).isSameAs(p.aOnB);
        assertThat(p.lastPlaintext).isEqualTo(packet);
        assertThat(p.deliver(p.b, p.seal(p.b, ipv4(60, 9))).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.lastPlaintext).isEqualTo(ipv4(60, 9));

        // wg show: both sides report the handshake time and byte counters of whole datagrams.
        assertThat(p.bOnA.lastHandshake()).contains(NodePair.START);
        assertThat(p.aOnB.lastHandshake()).contains(NodePair.START);
        assertThat(p.bOnA.txBytes()).isEqualTo(148 + 32 + (32 + 112));
        assertThat(p.aOnB.rxBytes()).isEqualTo(148 + 32 + (32 + 112));
        assertThat(p.aOnB.txBytes()).isEqualTo(92 + (32 + 64));
        assertThat(p.bOnA.rxBytes()).isEqualTo(92 + (32 + 64));
        assertThat(p.aOnB.endpoint()).isEqualTo(p.addrA); // learnt from the initiation
    }

    @Test
    void paddingFollowsTheConfigurationAndIsRemovedOnReceive() {
        var padded = new NodePair(WireGuardConfig.standard(), 2);
        padded.handshake();
        byte[] datagram = padded.seal(padded.a, ipv4(21, 1));
        assertThat(datagram).hasSize(16 + 32 + 16);
        assertThat(padded.deliver(padded.a, datagram).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(padded.lastPlaintext).isEqualTo(ipv4(21, 1));
        assertThat(padded.a.encryptedLength(1420)).isEqualTo(1420 + 32); // never padded beyond the MTU

        var firezone = new NodePair(WireGuardConfig.firezoneIce(), 3);
        firezone.handshake();
        assertThat(firezone.seal(firezone.a, ipv4(21, 1))).hasSize(21 + 32);
        assertThat(firezone.a.encryptedLength(1280)).isEqualTo(1312);
    }

    @Test
    void responderCannotSendUntilTheInitiatorConfirmsTheSession() {
        var p = new NodePair(WireGuardConfig.standard(), 4);
        p.a.initiateHandshake(p.bOnA, p.now);
        Outgoing initiation = p.drain(p.a).getFirst();
        assertThat(p.deliver(p.a, initiation.payload()).kind()).isEqualTo(Received.Kind.HANDSHAKE);
        Outgoing response = p.drain(p.b).getFirst();
        assertThat(p.b.encrypt(p.aOnB, ByteBuffer.wrap(ipv4(40, 0)), ByteBuffer.allocate(200), p.now))
                .isEqualTo(Encrypted.NO_SESSION);
        p.b.handleTimeout(p.now);
        assertThat(p.drain(p.b)).isEmpty(); // no crossing initiation right after a response
        assertThat(p.deliver(p.b, response.payload()).kind()).isEqualTo(Received.Kind.HANDSHAKE);
        assertThat(p.seal(p.a, ipv4(40, 0))).isNotNull(); // the initiator may send at once
        List<Outgoing> keepalive = p.drain(p.a);
        assertThat(keepalive).singleElement().satisfies(t -> assertThat(t.payload()).hasSize(32));
        assertThat(p.b.encrypt(p.aOnB, ByteBuffer.wrap(ipv4(40, 0)), ByteBuffer.allocate(200), p.now))
                .isEqualTo(Encrypted.NO_SESSION);
        assertThat(p.deliver(p.a, keepalive.getFirst().payload()).kind()).isEqualTo(Received.Kind.KEEPALIVE);
        assertThat(p.seal(p.b, ipv4(40, 0))).isNotNull();
    }

    @Test
    void packetsInFlightSurviveARekey() {
        var p = new NodePair(WireGuardConfig.standard(), 5);
        p.handshake();
        byte[] oldFromA = p.seal(p.a, ipv4(50, 1));
        byte[] oldFromB = p.seal(p.b, ipv4(50, 2));

        p.now = p.now.plusSeconds(10);
        p.a.initiateHandshake(p.bOnA, p.now);
        Outgoing initiation = p.drain(p.a).getFirst();
        p.deliver(p.a, initiation.payload());
        byte[] stillOldFromB = p.seal(p.b, ipv4(50, 3)); // B's new keys wait in "next"
        Outgoing response = p.drain(p.b).getFirst();
        p.deliver(p.b, response.payload());
        byte[] newFromA = p.seal(p.a, ipv4(50, 4));
        Outgoing confirm = p.drain(p.a).getFirst();

        // Old-key packets from both sides still decrypt (current → previous), then the new ones.
        assertThat(p.deliver(p.a, oldFromA).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.deliver(p.b, oldFromB).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.deliver(p.a, newFromA).kind()).isEqualTo(Received.Kind.DATA); // first use of "next" on B
        assertThat(p.lastPlaintext).isEqualTo(ipv4(50, 4));
        assertThat(p.eventsB).hasSize(2);
        assertThat(p.deliver(p.a, confirm.payload()).kind()).isEqualTo(Received.Kind.KEEPALIVE);
        assertThat(p.deliver(p.b, stillOldFromB).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.lastPlaintext).isEqualTo(ipv4(50, 3));
        byte[] newFromB = p.seal(p.b, ipv4(50, 5));
        assertThat(p.deliver(p.b, newFromB).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.bOnA.previous).isNotNull();
        assertThat(p.aOnB.previous).isNotNull();
    }

    @Test
    void duplicatesAndStaleCountersAreDropped() {
        var p = new NodePair(WireGuardConfig.standard(), 6);
        p.handshake();
        byte[] first = p.seal(p.a, ipv4(30, 1));
        assertThat(p.deliver(p.a, first).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.deliver(p.a, first).dropReason()).isEqualTo(DropReason.REPLAYED_COUNTER);
        byte[] old = p.seal(p.a, ipv4(30, 2));
        for (int i = 0; i < 9000; i++) {
            p.seal(p.a, ipv4(30, 3));
        }
        assertThat(p.deliver(p.a, p.seal(p.a, ipv4(30, 4))).kind()).isEqualTo(Received.Kind.DATA);
        assertThat(p.deliver(p.a, old).dropReason()).isEqualTo(DropReason.REPLAYED_COUNTER);
        assertThat(p.b.dropCounters().count(DropReason.REPLAYED_COUNTER)).isEqualTo(2);
    }

    @Test
    void theEngineFollowsARoamingPeer() {
        var p = new NodePair(WireGuardConfig.standard(), 7);
        p.handshake();
        var roamed = new InetSocketAddress("198.51.100.7", 40000);
        ByteBuffer out = ByteBuffer.allocate(2048);
        assertThat(p.b.decrypt(roamed, ByteBuffer.wrap(p.seal(p.a, ipv4(30, 1))), out, p.now).kind())
                .isEqualTo(Received.Kind.DATA);
        assertThat(p.aOnB.endpoint()).isEqualTo(roamed);
        // A forged packet from elsewhere does not move it.
        byte[] forged = p.seal(p.a, ipv4(30, 1));
        forged[40] ^= 1;
        p.b.decrypt(new InetSocketAddress("203.0.113.9", 1), ByteBuffer.wrap(forged), out.clear(), p.now);
        assertThat(p.aOnB.endpoint()).isEqualTo(roamed);
    }

    @Test
    void underLoadAnInitiationGetsACookieAndTheRetryWithMac2IsAccepted() {
        var p = new NodePair(WireGuardConfig.standard(), 8);
        p.b.setUnderLoad(true);
        p.a.initiateHandshake(p.bOnA, p.now);
        Outgoing initiation = p.drain(p.a).getFirst();
        Received refused = p.deliver(p.a, initiation.payload());
        assertThat(refused.dropReason()).isEqualTo(DropReason.COOKIE_REQUIRED);
        Outgoing cookie = p.drain(p.b).getFirst();
        assertThat(cookie.payload()).hasSize(64);
        assertThat(cookie.payload()[0]).isEqualTo((byte) 3);
        assertThat(cookie.endpoint()).isEqualTo(p.addrA);
        assertThat(cookie.peer()).isNull();
        assertThat(p.deliver(p.b, cookie.payload()).kind()).isEqualTo(Received.Kind.HANDSHAKE);
        assertThat(p.bOnA.hasSession(p.now)).isFalse();

        // The retransmission carries MAC2; B accepts it and the handshake completes.
        p.runFor(Duration.ofSeconds(6));
        assertThat(p.bOnA.hasSession(p.now)).isTrue();
        assertThat(p.aOnB.hasSession(p.now)).isTrue();
        assertThat(p.b.dropCounters().count(DropReason.COOKIE_REQUIRED)).isEqualTo(1);
    }

    @Test
    void aCookieIsBoundToTheSourceAddress() {
        var p = new NodePair(WireGuardConfig.standard(), 9);
        p.b.setUnderLoad(true);
        p.a.initiateHandshake(p.bOnA, p.now);
        p.deliver(p.a, p.drain(p.a).getFirst().payload());
        p.deliver(p.b, p.drain(p.b).getFirst().payload());
        p.now = p.now.plusSeconds(6);
        p.a.handleTimeout(p.now);
        Outgoing retry = p.drain(p.a).getFirst();
        Received fromElsewhere = p.b.decrypt(
                new InetSocketAddress("203.0.113.1", 999), ByteBuffer.wrap(retry.payload()), ByteBuffer.allocate(64), p.now);
        assertThat(fromElsewhere.dropReason()).isEqualTo(DropReason.COOKIE_REQUIRED);
        assertThat(p.deliver(p.a, retry.payload()).kind()).isEqualTo(Received.Kind.HANDSHAKE);
    }

    @Test
    void replayedInitiationsAndFloodsAreRefused() {
        var p = new NodePair(WireGuardConfig.standard(), 10);
        p.a.initiateHandshake(p.bOnA, p.now);
        byte[] initiation = p.drain(p.a).getFirst().payload();
        assertThat(p.deliver(p.a, initiation).kind()).isEqualTo(Received.Kind.HANDSHAKE);
        p.now = p.now.plusSeconds(1);
        assertThat(p.deliver(p.a, initiation).dropReason()).isEqualTo(DropReason.REPLAYED_TIMESTAMP);
        p.exchange();

        // A second node holding A's key initiates 18 ms after a fresh initiation: a later timestamp, but a flood.
        var clone = new WireGuardNode(WireGuardKey.generatePrivate(new ScriptedRandom(10)), WireGuardConfig.standard(),
                new ScriptedRandom(99));
        assertThat(clone.publicKey()).isEqualTo(p.a.publicKey());
        WireGuardPeer bOnClone = clone.addPeer(p.b.publicKey(), null, null, p.addrB, p.now);
        p.now = p.now.plusSeconds(10);
        p.a.initiateHandshake(p.bOnA, p.now);
        assertThat(p.deliver(p.a, p.drain(p.a).getFirst().payload()).kind()).isEqualTo(Received.Kind.HANDSHAKE);
        p.now = p.now.plusMillis(18);
        clone.initiateHandshake(bOnClone, p.now);
        byte[] flood = clone.pollTransmit().payload();
        // The clone has no PSK, so B's response would not match — but B must refuse before that.
        assertThat(p.deliver(p.a, flood).dropReason()).isEqualTo(DropReason.HANDSHAKE_FLOOD);
    }

    @Test
    void initiationsFromStrangersAndWithBadMac1AreDropped() {
        var p = new NodePair(WireGuardConfig.standard(), 11);
        var stranger = new WireGuardNode(WireGuardKey.generatePrivate(new ScriptedRandom(77)), WireGuardConfig.standard(),
                new ScriptedRandom(78));
        WireGuardPeer bOnStranger = stranger.addPeer(p.b.publicKey(), null, null, p.addrB, p.now);
        stranger.initiateHandshake(bOnStranger, p.now);
        byte[] initiation = stranger.pollTransmit().payload();
        assertThat(p.deliver(p.a, initiation).dropReason()).isEqualTo(DropReason.UNKNOWN_PEER);
        initiation[20] ^= 1;
        assertThat(p.deliver(p.a, initiation).dropReason()).isEqualTo(DropReason.INVALID_MAC1);
    }

    @Test
    void aRemovedPeerIsForgotten() {
        var p = new NodePair(WireGuardConfig.standard(), 12);
        p.handshake();
        byte[] data = p.seal(p.a, ipv4(30, 1));
        assertThat(p.b.removePeer(p.aOnB)).isTrue();
        assertThat(p.b.peers()).isEmpty();
        assertThat(p.deliver(p.a, data).dropReason()).isEqualTo(DropReason.UNKNOWN_RECEIVER_INDEX);
        assertThat(p.b.encrypt(p.aOnB, ByteBuffer.wrap(ipv4(30, 1)), ByteBuffer.allocate(100), p.now))
                .isEqualTo(Encrypted.NO_SESSION);
        assertThat(p.b.pollTimeout()).isNull();
        assertThat(p.b.removePeer(p.aOnB)).isFalse();
    }

    @Test
    void peersAreUniqueAndNotOurselves() {
        var p = new NodePair(WireGuardConfig.standard(), 13);
        assertThatThrownBy(() -> p.a.addPeer(p.b.publicKey(), null, null, null, p.now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.a.addPeer(p.a.publicKey(), null, null, null, p.now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(p.a.peer(p.b.publicKey())).contains(p.bOnA);
    }

    @Test
    void aMismatchedPresharedKeyFailsTheHandshake() {
        var p = new NodePair(WireGuardConfig.standard(), 14);
        p.aOnB.setPresharedKey(WireGuardKey.generatePreshared(new ScriptedRandom(5)));
        p.a.initiateHandshake(p.bOnA, p.now);
        p.exchange();
        assertThat(p.bOnA.hasSession(p.now)).isFalse();
        assertThat(p.a.dropCounters().count(DropReason.HANDSHAKE_DECRYPTION_FAILED)).isEqualTo(1);
    }

    @Test
    void outputBuffersThatAreTooSmallAreReportedNotOverrun() {
        var p = new NodePair(WireGuardConfig.firezoneIce(), 15);
        p.handshake();
        assertThat(p.a.encrypt(p.bOnA, ByteBuffer.wrap(ipv4(100, 1)), ByteBuffer.allocate(131), p.now))
                .isEqualTo(Encrypted.OUTPUT_BUFFER_TOO_SMALL);
        byte[] datagram = p.seal(p.a, ipv4(100, 1));
        Received r = p.b.decrypt(p.addrA, ByteBuffer.wrap(datagram), ByteBuffer.allocate(99), p.now);
        assertThat(r.dropReason()).isEqualTo(DropReason.OUTPUT_BUFFER_TOO_SMALL);
        assertThat(p.b.decrypt(p.addrA, ByteBuffer.wrap(datagram), ByteBuffer.allocate(100), p.now).kind())
                .isEqualTo(Received.Kind.DATA);
    }

    @Test
    void directBuffersAndBigEndianBuffersWork() {
        var p = new NodePair(WireGuardConfig.standard(), 16);
        p.handshake();
        ByteBuffer plain = ByteBuffer.allocateDirect(1280);
        plain.put(ipv4(1280, 5)).flip();
        ByteBuffer wire = ByteBuffer.allocateDirect(1400);
        assertThat(p.a.encrypt(p.bOnA, plain, wire, p.now)).isEqualTo(Encrypted.SENT);
        wire.flip();
        ByteBuffer back = ByteBuffer.allocateDirect(1400);
        assertThat(p.b.decrypt(p.addrA, wire, back, p.now).kind()).isEqualTo(Received.Kind.DATA);
        back.flip();
        byte[] got = new byte[back.remaining()];
        back.get(got);
        assertThat(got).isEqualTo(ipv4(1280, 5));
    }

    @Test
    void encryptionInPlaceNeedsNoSecondBuffer() {
        for (WireGuardConfig config : List.of(WireGuardConfig.standard(), WireGuardConfig.firezoneIce())) {
            var p = new NodePair(config, 17);
            p.handshake();
            byte[] packet = ipv4(1000 + 5, 6);
            ByteBuffer buffer = ByteBuffer.allocate(1100);
            buffer.position(16).put(packet).flip().position(16); // the packet where the ciphertext goes
            ByteBuffer plaintext = buffer.slice();
            ByteBuffer out = buffer.clear();
            assertThat(p.a.encrypt(p.bOnA, plaintext, out, p.now)).isEqualTo(Encrypted.SENT);
            assertThat(out.position()).isEqualTo(p.a.encryptedLength(packet.length));
            assertThat(p.deliver(p.a, java.util.Arrays.copyOf(buffer.array(), out.position())).kind())
                    .isEqualTo(Received.Kind.DATA);
            assertThat(p.lastPlaintext).isEqualTo(packet);
        }
    }

    @Test
    void aHandshakeRateLimitAsksForCookiesOnlyAboveTheLimit() {
        var p = new NodePair(WireGuardConfig.standard(), 18);
        p.b.setHandshakeRateLimit(2);
        var strangers = new java.util.ArrayList<byte[]>();
        for (int i = 0; i < 3; i++) {
            var other = new WireGuardNode(WireGuardKey.generatePrivate(new ScriptedRandom(200 + i)),
                    WireGuardConfig.standard(), new ScriptedRandom(300 + i));
            other.initiateHandshake(other.addPeer(p.b.publicKey(), null, null, p.addrB, p.now), p.now);
            strangers.add(other.pollTransmit().payload());
        }
        assertThat(p.deliver(p.a, strangers.get(0)).dropReason()).isEqualTo(DropReason.UNKNOWN_PEER);
        assertThat(p.deliver(p.a, strangers.get(1)).dropReason()).isEqualTo(DropReason.UNKNOWN_PEER);
        assertThat(p.deliver(p.a, strangers.get(2)).dropReason()).isEqualTo(DropReason.COOKIE_REQUIRED);
        p.drain(p.b);
        // A new second: the real peer gets through without a cookie.
        p.now = p.now.plusSeconds(1);
        p.handshake();
        assertThat(p.b.dropCounters().count(DropReason.COOKIE_REQUIRED)).isEqualTo(1);
    }
}
