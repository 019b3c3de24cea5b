package dev.flint.connlib.phoenix;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** nextDouble() == 0: no jitter. */
    static final RandomGenerator LOW = () -> 0L;
    /** nextDouble() just below 1: maximal jitter. */
    static final RandomGenerator HIGH = () -> -1L;

    @Test
    void initialConnectRetriesEverySecondForFifteenSeconds() {
        Backoff b = BackoffPolicy.INITIAL_CONNECT.start();
        List<Duration> delays = new ArrayList<>();
        Optional<Duration> next;
        while ((next = b.next(HIGH)).isPresent()) {
            delays.add(next.get());
        }
        assertThat(delays).hasSize(15).containsOnly(Duration.ofSeconds(1));
    }

    @Test
    void reconnectGrowsByHalfUpToOneMinute() {
        Backoff b = BackoffPolicy.RECONNECT_UNLIMITED.start();
        assertThat(b.next(LOW)).contains(Duration.ofMillis(500));
        assertThat(b.next(LOW)).contains(Duration.ofMillis(750));
        assertThat(b.next(LOW)).contains(Duration.ofMillis(1125));
        assertThat(b.next(LOW)).contains(Duration.ofNanos(1_687_500_000));
        for (int i = 0; i < 20; i++) {
            b.next(LOW);
        }
        assertThat(b.next(LOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void jitterAddsUpToOneBaseInterval() {
        Backoff b = BackoffPolicy.RECONNECT_UNLIMITED.start();
        Duration first = b.next(HIGH).orElseThrow();
        assertThat(first).isGreaterThan(Duration.ofMillis(999)).isLessThan(Duration.ofMillis(1000).plusNanos(1));
        Backoff half = BackoffPolicy.RECONNECT_UNLIMITED.start();
        RandomGenerator mid = () -> Long.MIN_VALUE; // nextDouble() == 0.5
        assertThat(half.next(mid)).contains(Duration.ofMillis(750));
    }

    @Test
    void budgetBoundsTheSumOfDelays() {
        Backoff b = BackoffPolicy.reconnect(Duration.ofSeconds(2)).start();
        assertThat(b.next(LOW)).contains(Duration.ofMillis(500));
        assertThat(b.next(LOW)).contains(Duration.ofMillis(750));
        assertThat(b.next(LOW)).isEmpty(); // 1.25 s spent + 1.125 s > 2 s
        assertThat(b.spent()).isEqualTo(Duration.ofMillis(1250));
    }
}
