package dev.flint.tunnel.os;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link QuietPeriod.Timer} whose tasks run when the test says, with the delays they asked for kept. */
public final class ManualTimer implements QuietPeriod.Timer {
    public final List<Duration> delays = new ArrayList<>();
    private final List<Runnable> due = new ArrayList<>();
    public boolean closed;

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        delays.add(delay);
        due.add(task);
    }

    /** Runs every scheduled task; returns how many ran. */
    public int runDue() {
        List<Runnable> now;
        synchronized (this) {
            now = List.copyOf(due);
            due.clear();
        }
        now.forEach(Runnable::run);
        return now.size();
    }

    @Override
    public void close() {
        closed = true;
    }
}
