package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.NodePair.START;
import static dev.flint.connlib.wireguard.NodePair.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every timer rule of the whitepaper (and Firezone's overrides), with explicit virtual instants. */
class TimersTest {

    /** Runs {@code node}'s due timers at {@code at} and returns what it sends. */
    private static List<Outgoing> fire(NodePair p, WireGuardNode node, Instant at) {
        p.now = at;
        node.handleTimeout(at);
        return p.drain(node);
    }

    private static boolean isInitiation(Outgoing t) {
        return t.payload().length == 148 && t.payload()[0] == 1;
    }

    private static boolean isKeepalive(Outgoing t) {
        return t.payload().length == 32 && t.payload()[0] == 4;
    }

    @Test
    void theInitiatorRekeysWhenSendingOnASessionOlderThanRekeyAfterTime() {
        var p = new NodePair(WireGuardConfig.standard(), 21);
        p.handshake();
        p.now = START.plusSeconds(119);
        assertThat(p.seal(p.a, ipv4(40, 1))).isNotNull();
        assertThat(p.a.pollTimeout()).isAfter(p.now);

        p.now = START.plusSeconds(121);
        assertThat(p.seal(p.a, ipv4(40, 1))).isNotNull(); // still sent on the old session
        assertThat(p.a.pollTimeout()).isEqualTo(p.now);
        assertThat(fire(p, p.a, p.now)).singleElement().matches(TimersTest::isInitiation);

        // The responder does not rekey by time.
        var q = new NodePair(WireGuardConfig.standard(), 22);
        q.handshake();
        q.now = START.plusSeconds(121);
        assertThat(q.seal(q.b, ipv4(40, 1))).isNotNull();
        assertThat(q.b.pollTimeout()).isAfter(q.now);
        assertThat(fire(q, q.b, q.now)).noneMatch(TimersTest::isInitiation);
    }

    @Test
    void theInitiatorRekeysWhenReceivingOnASessionNearRejectAfterTime() {
        var p = new NodePair(WireGuardConfig.standard(), 23);
        p.handshake();
        p.now = START.plusSeconds(164);
        p.deliver(p.b, p.seal(p.b, ipv4(40, 1)));
        assertThat(p.a.pollTimeout()).isAfter(p.now);
        p.now = START.plusSeconds(166); // 180 - 10 - 5 = 165
        p.deliver(p.b, p.seal(p.b, ipv4(40, 1)));
        assertThat(p.a.pollTimeout()).isEqualTo(p.now);
        assertThat(fire(p, p.a, p.now)).anyMatch(TimersTest::isInitiation);
    }

    @Test
    void eitherSideRekeysAfterRekeyAfterMessages() {
        var p = new NodePair(WireGuardConfig.standard(), 24);
        p.handshake();
        p.aOnB.current.setSendCounterForTest(WireGuardNode.REKEY_AFTER_MESSAGES - 1);
        p.now = START.plusSeconds(10); // past REKEY_TIMEOUT after B's response
        assertThat(p.seal(p.b, ipv4(40, 1))).isNotNull();
        assertThat(p.b.pollTimeout()).isAfter(p.now);
        assertThat(p.seal(p.b, ipv4(40, 1))).isNotNull();
        assertThat(p.b.pollTimeout()).isEqualTo(p.now);
        assertThat(fire(p, p.b, p.now)).singleElement().matches(TimersTest::isInitiation);
    }

    @Test
    void aSessionRefusesToSendAtRejectAfterMessages() {
        var p = new NodePair(WireGuardConfig.standard(), 25);
        p.handshake();
        p.bOnA.current.setSendCounterForTest(WireGuardNode.REJECT_AFTER_MESSAGES - 1);
        byte[] last = p.seal(p.a, ipv4(40, 1));
        assertThat(last).isNotNull();
        assertThat(p.seal(p.a, ipv4(40, 1))).isNull();
        // The receiver's window refuses counters at the limit too.
        byte[] beyond = last.clone();
        for (int i = 8; i < 16; i++) {
            beyond[i] = (byte) 0xff;
        }
        assertThat(p.deliver(p.a, beyond).dropReason()).isEqualTo(DropReason.REPLAYED_COUNTER);
    }

    @Test
    void sessionsAreRejectedAfterRejectAfterTime() {
        var p = new NodePair(WireGuardConfig.standard(), 26);
        p.handshake();
        p.now = START.plusSeconds(180).minusNanos(1);
        byte[] late = p.seal(p.a, ipv4(40, 1));
        assertThat(p.seal(p.b, ipv4(40, 1))).isNotNull();
        p.now = START.plusSeconds(180);
        assertThat(p.b.encrypt(p.aOnB, ByteBuffer.wrap(ipv4(40, 1)), ByteBuffer.allocate(200), p.now))
                .isEqualTo(Encrypted.NO_SESSION);
        assertThat(p.deliver(p.a, late).dropReason()).isEqualTo(DropReason.SESSION_EXPIRED);
        assertThat(p.b.pollTimeout()).isEqualTo(p.now); // NO_SESSION asked for a handshake
        assertThat(fire(p, p.b, p.now)).anyMatch(TimersTest::isInitiation);
    }

    @Test
    void unansweredInitiationsAreRetransmittedWithJitterUntilRekeyAttemptTime() {
        var p = new NodePair(WireGuardConfig.firezoneIce(), 27);
        p.a.initiateHandshake(p.bOnA, p.now);
        List<Instant> sent = new ArrayList<>();
        var senders = new HashSet<Integer>();
        sent.add(p.now);
        senders.add(ByteBuffer.wrap(p.drain(p.a).getFirst().payload()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4));
        while (p.eventsA.isEmpty()) {
            Instant next = p.a.pollTimeout();
            for (Outgoing t : fire(p, p.a, next)) {
                assertThat(isInitiation(t)).isTrue();
                sent.add(next);
                senders.add(ByteBuffer.wrap(t.payload()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4));
            }
        }
        // 0, ~5, ~10, ~15 s, then at ~20 s Firezone's REKEY_ATTEMPT_TIME is over.
        assertThat(sent).hasSize(4);
        assertThat(senders).hasSize(4); // each attempt is a fresh handshake with a fresh index
        var gaps = new HashSet<Duration>();
        for (int i = 1; i < sent.size(); i++) {
            Duration gap = Duration.between(sent.get(i - 1), sent.get(i));
            assertThat(gap).isBetween(Duration.ofSeconds(5), Duration.ofMillis(5333));
            gaps.add(gap);
        }
        assertThat(gaps).hasSizeGreaterThan(1); // jittered, not a fixed period
        WireGuardEvent expired = p.eventsA.getFirst();
        assertThat(expired).isInstanceOf(WireGuardEvent.ConnectionExpired.class);
        assertThat(((WireGuardEvent.ConnectionExpired) expired).cause())
                .isEqualTo(WireGuardEvent.ConnectionExpired.Cause.HANDSHAKE_TIMEOUT);
        assertThat(Duration.between(START, p.now)).isBetween(Duration.ofSeconds(20), Duration.ofMillis(21333));
        assertThat(p.a.pollTimeout()).isNull(); // nothing left to do
    }

    @Test
    void theStandardRekeyAttemptTimeIs90Seconds() {
        var p = new NodePair(WireGuardConfig.standard(), 28);
        p.a.initiateHandshake(p.bOnA, p.now);
        p.drain(p.a);
        int initiations = 1;
        while (p.eventsA.isEmpty()) {
            initiations += fire(p, p.a, p.a.pollTimeout()).size();
        }
        assertThat(Duration.between(START, p.now)).isBetween(Duration.ofSeconds(90), Duration.ofMillis(95333));
        assertThat(initiations).isBetween(17, 19);
    }

    @Test
    void aKeepaliveFollowsReceivedDataWhenNothingIsSentForKeepaliveTimeout() {
        var p = new NodePair(WireGuardConfig.standard(), 29);
        p.handshake();
        p.now = START.plusSeconds(1);
        p.deliver(p.a, p.seal(p.a, ipv4(40, 1)));
        assertThat(p.b.pollTimeout()).isEqualTo(START.plusSeconds(11));
        assertThat(fire(p, p.b, START.plusSeconds(11)))
                .singleElement()
                .matches(TimersTest::isKeepalive)
                .satisfies(t -> assertThat(p.deliver(p.b, t.payload()).kind()).isEqualTo(Received.Kind.KEEPALIVE));

        // Sending anything in between makes the keepalive unnecessary.
        var q = new NodePair(WireGuardConfig.standard(), 30);
        q.handshake();
        q.now = START.plusSeconds(1);
        q.deliver(q.a, q.seal(q.a, ipv4(40, 1)));
        q.now = START.plusSeconds(5);
        q.deliver(q.b, q.seal(q.b, ipv4(40, 2)));
        assertThat(fire(q, q.b, START.plusSeconds(11))).isEmpty();
    }

    @Test
    void dataReceivedWhileAKeepaliveIsPendingAsksForAnotherOne() {
        var p = new NodePair(WireGuardConfig.standard(), 31);
        p.handshake();
        p.now = START.plusSeconds(1);
        p.deliver(p.a, p.seal(p.a, ipv4(40, 1)));
        p.now = START.plusSeconds(3);
        p.deliver(p.a, p.seal(p.a, ipv4(40, 1)));
        assertThat(fire(p, p.b, START.plusSeconds(11))).singleElement().matches(TimersTest::isKeepalive);
        assertThat(p.b.pollTimeout()).isEqualTo(START.plusSeconds(21));
        assertThat(fire(p, p.b, START.plusSeconds(21))).singleElement().matches(TimersTest::isKeepalive);
    }

    @Test
    void sentDataWithoutAnyReplyForKeepalivePlusRekeyTimeoutStartsAHandshake() {
        var p = new NodePair(WireGuardConfig.standard(), 32);
        p.handshake();
        p.now = START.plusSeconds(1);
        p.deliver(p.a, p.seal(p.a, ipv4(40, 1)));
        List<Instant> initiations = new ArrayList<>();
        p.runUntil(START.plusSeconds(17), t -> {
            if (isInitiation(t)) {
                initiations.add(p.now);
            }
            return true; // the path is dead: lose everything
        });
        assertThat(initiations).containsExactly(START.plusSeconds(16)); // 1 + 10 + 5

        // A reply of any kind (B's keepalive) cancels it.
        var q = new NodePair(WireGuardConfig.standard(), 33);
        q.handshake();
        q.now = START.plusSeconds(1);
        q.deliver(q.a, q.seal(q.a, ipv4(40, 1)));
        List<Outgoing> sent = new ArrayList<>();
        q.runUntil(START.plusSeconds(30), t -> !sent.add(t));
        assertThat(sent).noneMatch(TimersTest::isInitiation);
        assertThat(sent).anyMatch(TimersTest::isKeepalive);
    }

    @Test
    void persistentKeepaliveSendsAfterEachIdleInterval() {
        var p = new NodePair(WireGuardConfig.standard(), 34, Duration.ofSeconds(25));
        p.handshake();
        List<Instant> keepalives = new ArrayList<>();
        p.runUntil(START.plusSeconds(100), t -> {
            if (isKeepalive(t) && t.peer() == p.bOnA) {
                keepalives.add(p.now);
            }
            return false;
        });
        assertThat(keepalives).containsExactly(
                START.plusSeconds(25), START.plusSeconds(50), START.plusSeconds(75), START.plusSeconds(100));

        // Traffic in either direction postpones it.
        var q = new NodePair(WireGuardConfig.standard(), 35, Duration.ofSeconds(25));
        q.handshake();
        q.now = START.plusSeconds(20);
        q.deliver(q.b, q.seal(q.b, ipv4(40, 1)));
        assertThat(q.a.pollTimeout()).isEqualTo(START.plusSeconds(30)); // A's keepalive for received data comes first
        assertThat(fire(q, q.a, START.plusSeconds(30))).singleElement().matches(TimersTest::isKeepalive);
        assertThat(q.a.pollTimeout()).isEqualTo(START.plusSeconds(55));
    }

    @Test
    void persistentKeepaliveWithoutASessionStartsAHandshake() {
        var p = new NodePair(WireGuardConfig.standard(), 36, Duration.ofSeconds(25));
        assertThat(p.a.pollTimeout()).isEqualTo(START.plusSeconds(25));
        assertThat(fire(p, p.a, START.plusSeconds(25))).singleElement().matches(TimersTest::isInitiation);
    }

    @Test
    void keysAreZeroedAfterThreeTimesRejectAfterTime() {
        var p = new NodePair(WireGuardConfig.standard(), 37);
        p.handshake();
        p.runUntil(START.plusSeconds(539), t -> true);
        assertThat(p.eventsA).hasSize(1);
        assertThat(p.bOnA.current).isNotNull();
        p.runUntil(START.plusSeconds(540), t -> true);
        assertThat(p.eventsA.getLast()).isEqualTo(new WireGuardEvent.ConnectionExpired(
                p.bOnA, START.plusSeconds(540), WireGuardEvent.ConnectionExpired.Cause.KEYS_EXPIRED));
        assertThat(p.eventsB.getLast()).isInstanceOf(WireGuardEvent.ConnectionExpired.class);
        assertThat(p.bOnA.current).isNull();
        assertThat(p.aOnB.current).isNull();
        assertThat(p.a.pollTimeout()).isNull();
    }

    @Test
    void aHandshakeWithinRekeyTimeoutOfTheLastIsNotRepeated() {
        var p = new NodePair(WireGuardConfig.standard(), 38);
        p.handshake();
        p.a.initiateHandshake(p.bOnA, p.now.plusSeconds(4));
        assertThat(p.drain(p.a)).isEmpty();
        p.a.initiateHandshake(p.bOnA, p.now.plusSeconds(5));
        assertThat(p.drain(p.a)).singleElement().matches(TimersTest::isInitiation);
    }
}
