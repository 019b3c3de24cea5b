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

    /** Runs a task after a delay; a test's timer runs it when the test says. */
    public interface Timer extends AutoCloseable {
        void schedule(Duration delay, Runnable task);

        @Override
        void close();

        /** A daemon thread of its own. */
        static Timer thread() {
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().name("network-change").daemon().unstarted(r));
            return new Timer() {
                @Override
                public void schedule(Duration delay, Runnable task) {
                    executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
                }

                @Override
                public void close() {
                    executor.shutdownNow();
                }
            };
        }
    }

    private final Duration quiet;
    private final Runnable report;
    private final Timer timer;
    private boolean pending;
    private boolean closed;

    public QuietPeriod(Duration quiet, Runnable report) {
        this(quiet, report, Timer.thread());
    }

    public QuietPeriod(Duration quiet, Runnable report, Timer timer) {
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
        timer.schedule(quiet, this::fire);
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

    /** No report follows, not even one already scheduled. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.close();
    }
}
