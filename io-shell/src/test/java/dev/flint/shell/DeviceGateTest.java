package dev.flint.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The closed / in-flight / drain rule the Linux, utun and Wintun devices share. */
class DeviceGateTest {
    private final DeviceGate gate = new DeviceGate();

    @Test
    void admitsCallsUntilShutAndNoneAfter() {
        assertThat(gate.enter()).isTrue();
        assertThat(gate.inFlight()).isEqualTo(1);
        gate.exit();
        assertThat(gate.close(Duration.ZERO, () -> { })).isTrue();
        assertThat(gate.isClosed()).isTrue();
        assertThat(gate.enter()).as("a call after close never reaches the handle").isFalse();
        assertThat(gate.inFlight()).as("a refused call leaves no count behind").isZero();
    }

    @Test
    void closingWakesTheCallInsideAndWaitsUntilItLeaves() {
        assertThat(gate.enter()).isTrue();
        AtomicInteger wakes = new AtomicInteger();
        // The reader blocked on its event wakes, sees the gate shut and leaves: the handle is then free to release.
        boolean first = gate.close(Duration.ofMinutes(1), () -> {
            if (wakes.incrementAndGet() == 1) {
                assertThat(gate.isClosed()).as("shut before the reader is woken").isTrue();
                gate.exit();
            }
        });
        assertThat(first).isTrue();
        assertThat(wakes.get()).isEqualTo(1);
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void closesOnceOnly() {
        assertThat(gate.close(Duration.ZERO, () -> { })).isTrue();
        assertThat(gate.close(Duration.ZERO, () -> { })).as("the handle must not be released twice").isFalse();
    }

    @Test
    void aCallStuckPastTheBudgetIsReportedNotWaitedForForever() {
        assertThat(gate.enter()).isTrue();
        assertThat(gate.close(Duration.ZERO, () -> { })).isTrue();
        assertThat(gate.inFlight()).as("the device keeps memory the stuck call may still touch").isEqualTo(1);
    }
}
