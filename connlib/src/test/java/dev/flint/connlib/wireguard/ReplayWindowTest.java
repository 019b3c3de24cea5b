package dev.flint.connlib.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private static final long LIMIT = WireGuardNode.REJECT_AFTER_MESSAGES;

    @Test
    void inOrderCountersAreAcceptedOnce() {
        var w = new ReplayWindow();
        for (long c = 0; c < 20_000; c++) {
            assertThat(w.accept(c, LIMIT)).as("counter %d", c).isTrue();
            assertThat(w.accept(c, LIMIT)).as("duplicate %d", c).isFalse();
        }
    }

    @Test
    void outOfOrderWithinTheWindowIsAcceptedAndTooOldIsNot() {
        var w = new ReplayWindow();
        assertThat(w.accept(10_000, LIMIT)).isTrue();
        assertThat(w.accept(10_000 - 8191, LIMIT)).isTrue(); // the oldest counter still inside
        assertThat(w.accept(10_000 - 8192, LIMIT)).isFalse();
        assertThat(w.mayAccept(10_000 - 8192, LIMIT)).isFalse();
        assertThat(w.accept(9_999, LIMIT)).isTrue();
        assertThat(w.accept(9_999, LIMIT)).isFalse();
        assertThat(w.accept(0, LIMIT)).isFalse();
    }

    @Test
    void aLargeJumpForgetsTheOldWindow() {
        var w = new ReplayWindow();
        for (long c = 0; c < 100; c++) {
            w.accept(c, LIMIT);
        }
        assertThat(w.accept(1_000_000, LIMIT)).isTrue();
        assertThat(w.accept(1_000_000 - 64, LIMIT)).isTrue(); // same ring slot as an old counter, cleared
        assertThat(w.accept(1_000_000 - 64, LIMIT)).isFalse();
    }

    @Test
    void countersAtOrBeyondTheLimitAreRefused() {
        var w = new ReplayWindow();
        assertThat(w.accept(LIMIT, LIMIT)).isFalse();
        assertThat(w.accept(-1L, LIMIT)).isFalse(); // 2^64 - 1 unsigned
        assertThat(w.accept(LIMIT - 1, LIMIT)).isTrue();
    }

    @Test
    void agreesWithASetBasedModelOnRandomSequences() {
        var random = new SplittableRandom(42);
        for (int run = 0; run < 20; run++) {
            var w = new ReplayWindow();
            var seen = new java.util.HashSet<Long>();
            long highest = -1;
            for (int i = 0; i < 20_000; i++) {
                long c = Math.max(0, highest + random.nextLong(-9000, 200));
                boolean expected = !seen.contains(c) && (highest < 0 || c > highest || highest - c < ReplayWindow.WINDOW);
                assertThat(w.accept(c, LIMIT)).as("run %d step %d counter %d highest %d", run, i, c, highest)
                        .isEqualTo(expected);
                if (expected) {
                    seen.add(c);
                    highest = Math.max(highest, c);
                }
            }
        }
    }
}
