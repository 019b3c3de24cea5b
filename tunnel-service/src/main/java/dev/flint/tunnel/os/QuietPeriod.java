package dev.flint.tunnel.os;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a burst of change notifications (Wi-Fi roaming, a DHCP renewal: dozens of messages) into
 * one report, {@code quiet} after the first of them, so the session resets once. Every OS's
 * {@link NetworkMonitor} reports through one of these.
 */
public final class QuietPeriod implements AutoCloseable {
    private final Duration quiet;
    private final Runnable report;
    private final ScheduledExecutorService timer;
    private boolean pending;
    private boolean closed;

    public QuietPeriod(Duration quiet, Runnable report) {
        this(quiet, report, Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("network-change").daemon().unstarted(r)));
    }

    /** With the caller's timer, e.g. a test's manual one. */
    public QuietPeriod(Duration quiet, Runnable report, ScheduledExecutorService timer) {
        this.quiet = quiet;
        this.report = report;
        this.timer = timer;
    }

    /** Something changed: the report follows after the quiet period, together with whatever else changes meanwhile. */
    public synchronized void changed() {
        if (pending || closed) {
            return;
        }
        pending = true;
        timer.schedule(this::fire, quiet.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        synchronized (this) {
            pending = false;
            if (closed) {
                return;
            }
        }
        report.run();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.shutdownNow();
    }
}
