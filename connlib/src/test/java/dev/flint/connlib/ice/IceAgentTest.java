package dev.flint.connlib.ice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.stun.ReceivedStun;
import dev.flint.connlib.stun.StunCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two agents wired back to back on a loss-free link, in virtual time. */
class IceAgentTest {
    static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 52625);
    static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 52625);
    static final IceCredentials CA = new IceCredentials("aaaa", "aaaaaaaaaaaaaaaaaaaaaa");
    static final IceCredentials CB = new IceCredentials("bbbb", "bbbbbbbbbbbbbbbbbbbbbb");

    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    boolean linkUp = true;
    final List<IceEvent> eventsA = new ArrayList<>();
    final List<IceEvent> eventsB = new ArrayList<>();

    IceAgent a;
    IceAgent b;

    void setUp(IceRole roleA, IceRole roleB, long seedA, long seedB) {
        a = new IceAgent(roleA, CA, CB, IceTiming.CLIENT_DEFAULT, new SplittableRandom(seedA));
        b = new IceAgent(roleB, CB, CA, IceTiming.SERVER_DEFAULT, new SplittableRandom(seedB));
        a.addLocalCandidate(Candidate.host(A), now);
        b.addLocalCandidate(Candidate.host(B), now);
        a.addRemoteCandidate(Candidate.host(B), now);
        b.addRemoteCandidate(Candidate.host(A), now);
    }

    void run(Duration d) {
        Instant end = now.plus(d);
        while (true) {
            boolean moved = true;
            while (moved) {
                moved = drain(a, b, A, eventsA) | drain(b, a, B, eventsB);
            }
            Instant next = earliest(a.pollTimeout(), b.pollTimeout());
            if (next == null || next.isAfter(end)) {
                now = end;
                return;
            }
            if (next.isAfter(now)) {
                now = next;
            }
            a.handleTimeout(now);
            b.handleTimeout(now);
        }
    }

    private boolean drain(IceAgent from, IceAgent to, InetSocketAddress fromAddr, List<IceEvent> events) {
        boolean any = false;
        for (var e = from.pollEvent(); e != null; e = from.pollEvent()) {
            events.add(e);
            any = true;
        }
        for (var t = from.pollTransmit(); t != null; t = from.pollTransmit()) {
            any = true;
            assertThat(t.source()).isEqualTo(fromAddr);
            if (linkUp) {
                to.handleStun(t.destination(), fromAddr, (ReceivedStun) StunCodec.decode(t.payload()), now);
            }
        }
        return any;
    }

    private static Instant earliest(Instant x, Instant y) {
        if (x == null) {
            return y;
        }
        return y == null || x.isBefore(y) ? x : y;
    }

    @Test
    void bothSidesNominateTheDirectPair() {
        setUp(IceRole.CONTROLLING, IceRole.CONTROLLED, 1, 2);
        run(Duration.ofSeconds(2));
        assertThat(a.nominated()).hasValueSatisfying(p -> {
            assertThat(p.destination()).isEqualTo(B);
            assertThat(p.pathType()).isEqualTo(PathType.DIRECT);
        });
        assertThat(b.nominated()).hasValueSatisfying(p -> assertThat(p.destination()).isEqualTo(A));
        assertThat(a.state()).isEqualTo(IceConnectionState.CONNECTED);
        assertThat(b.state()).isEqualTo(IceConnectionState.CONNECTED);
    }

    @Test
    void keepalivesHoldThePairForMinutes() {
        setUp(IceRole.CONTROLLING, IceRole.CONTROLLED, 1, 2);
        run(Duration.ofMinutes(10));
        assertThat(a.state()).isEqualTo(IceConnectionState.CONNECTED);
        assertThat(b.state()).isEqualTo(IceConnectionState.CONNECTED);
    }

    @Test
    void clientDeclaresTheLinkDeadAfterItsIceTimeout() {
        setUp(IceRole.CONTROLLING, IceRole.CONTROLLED, 1, 2);
        run(Duration.ofSeconds(5));
        linkUp = false;
        // The last answer came at most one keepalive interval (1.5 s) before the cut; the timeout is 16.5 s.
        run(Duration.ofSeconds(15));
        assertThat(a.state()).isEqualTo(IceConnectionState.CONNECTED);
        run(Duration.ofMillis(1600));
        assertThat(a.state()).isEqualTo(IceConnectionState.DISCONNECTED);
    }

    @Test
    void roleConflictIsResolvedByTieBreaker() {
        setUp(IceRole.CONTROLLING, IceRole.CONTROLLING, 3, 4);
        run(Duration.ofSeconds(3));
        assertThat(a.role()).isNotEqualTo(b.role());
        assertThat(a.nominated()).isPresent();
        assertThat(b.nominated()).isPresent();
        assertThat(eventsA.stream().anyMatch(e -> e instanceof IceEvent.RoleChanged)
                || eventsB.stream().anyMatch(e -> e instanceof IceEvent.RoleChanged)).isTrue();
    }

    @Test
    void bothControlledAlsoResolve() {
        setUp(IceRole.CONTROLLED, IceRole.CONTROLLED, 5, 6);
        run(Duration.ofSeconds(3));
        assertThat(a.role()).isNotEqualTo(b.role());
        assertThat(a.nominated()).isPresent();
        assertThat(b.nominated()).isPresent();
    }

    @Test
    void unknownSourceBecomesPeerReflexive() {
        a = new IceAgent(IceRole.CONTROLLING, CA, CB, IceTiming.CLIENT_DEFAULT, new SplittableRandom(1));
        b = new IceAgent(IceRole.CONTROLLED, CB, CA, IceTiming.SERVER_DEFAULT, new SplittableRandom(2));
        a.addLocalCandidate(Candidate.host(A), now);
        b.addLocalCandidate(Candidate.host(B), now);
        a.addRemoteCandidate(Candidate.host(B), now); // B never learns A's candidate
        run(Duration.ofSeconds(2));
        assertThat(b.remoteCandidates()).singleElement()
                .satisfies(c -> assertThat(c.type()).isEqualTo(CandidateType.PEER_REFLEXIVE));
        assertThat(b.nominated()).hasValueSatisfying(p -> assertThat(p.destination()).isEqualTo(A));
    }

    @Test
    void forgedChecksAreIgnored() {
        setUp(IceRole.CONTROLLING, IceRole.CONTROLLED, 1, 2);
        IceAgent mallory = new IceAgent(IceRole.CONTROLLING, CA, new IceCredentials("bbbb", "wrongwrongwrongwrong22"),
                IceTiming.CLIENT_DEFAULT, new SplittableRandom(9));
        mallory.addLocalCandidate(Candidate.host(A), now);
        mallory.addRemoteCandidate(Candidate.host(B), now);
        mallory.handleTimeout(now);
        var t = mallory.pollTransmit();
        b.handleStun(B, A, (ReceivedStun) StunCodec.decode(t.payload()), now);
        assertThat(b.pollTransmit()).isNull();
    }
}
