package dev.flint.tunnel.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A burst of network notifications becomes one report, a quiet period after its first. */
class QuietPeriodTest {
    private final ManualTimer timer = new ManualTimer();
    private final AtomicInteger reports = new AtomicInteger();
    private final QuietPeriod quiet = new QuietPeriod(Duration.ofMillis(500), reports::incrementAndGet, timer);

    @Test
    void aBurstIsReportedOnceAndTheNextBurstAgain() {
        for (int i = 0; i < 30; i++) {
            quiet.changed();
        }
        assertThat(timer.delays).containsExactly(Duration.ofMillis(500));
        assertThat(timer.runDue()).isEqualTo(1);
        assertThat(reports).hasValue(1);
        quiet.changed();
        timer.runDue();
        assertThat(reports).hasValue(2);
    }

    @Test
    void nothingIsReportedAfterClose() {
        quiet.changed();
        quiet.close();
        timer.runDue();
        quiet.changed();
        assertThat(reports).hasValue(0);
        assertThat(timer.closed).isTrue();
    }
}
