package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.NodePair.START;
import static dev.flint.connlib.wireguard.NodePair.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two nodes on a lossy in-memory link with virtual time, for simulated minutes across several rekeys. */
class SimulationTest {

    @Test
    void tenMinutesOfTrafficWithLossAndRekeys() {
        var p = new NodePair(WireGuardConfig.standard(), 51);
        var loss = new SplittableRandom(51);
        p.handshake();
        long sent = 0;
        long noSession = 0;
        long delivered = 0;
        Instant end = START.plus(Duration.ofMinutes(10));
        int tick = 0;
        while (p.now.isBefore(end)) {
            p.runUntil(p.now.plusMillis(100), t -> loss.nextInt(100) == 0);
            tick++;
            for (WireGuardNode from : new WireGuardNode[] {p.a, p.b}) {
                if (from == p.b && tick % 3 != 0) {
                    continue;
                }
                byte[] packet = ipv4(40 + tick % 1200, tick);
                byte[] datagram = p.seal(from, packet);
                sent++;
                if (datagram == null) {
                    noSession++;
                    continue;
                }
                if (loss.nextInt(100) == 0) {
                    continue;
                }
                Received r = p.deliver(from, datagram);
                assertThat(r.kind()).as("at %s", p.now).isEqualTo(Received.Kind.DATA);
                assertThat(p.lastPlaintext).isEqualTo(packet);
                delivered++;
            }
        }
        long completedOnA = p.eventsA.stream().filter(e -> e instanceof WireGuardEvent.HandshakeCompleted).count();
        assertThat(completedOnA).isBetween(5L, 7L); // the first, then every ~120 s
        assertThat(p.eventsA).noneMatch(e -> e instanceof WireGuardEvent.ConnectionExpired);
        assertThat(p.eventsB).noneMatch(e -> e instanceof WireGuardEvent.ConnectionExpired);
        assertThat(noSession).isLessThan(sent / 200);
        assertThat(delivered).isGreaterThan(sent * 97 / 100);
        assertThat(p.b.dropCounters().total() + p.a.dropCounters().total()).isZero();
    }

    @Test
    void aPeerThatDisappearsExpiresAndOneThatComesBackRecovers() {
        var p = new NodePair(WireGuardConfig.firezoneIce(), 52);
        p.handshake();
        // B goes silent: A keeps sending, then handshakes for 20 s in vain.
        for (int s = 1; s <= 200; s++) {
            p.runUntil(START.plusSeconds(s), t -> true);
            p.seal(p.a, ipv4(60, s));
        }
        assertThat(p.eventsA).anyMatch(e -> e instanceof WireGuardEvent.ConnectionExpired ex
                && ex.cause() == WireGuardEvent.ConnectionExpired.Cause.HANDSHAKE_TIMEOUT);
        // B is back: new traffic asks for a handshake again and it completes.
        p.runUntil(p.now.plusSeconds(30), t -> true);
        p.seal(p.a, ipv4(60, 1));
        p.runFor(Duration.ofSeconds(1));
        assertThat(p.bOnA.hasSession(p.now)).isTrue();
        assertThat(p.deliver(p.a, p.seal(p.a, ipv4(60, 2))).kind()).isEqualTo(Received.Kind.DATA);
    }
}
