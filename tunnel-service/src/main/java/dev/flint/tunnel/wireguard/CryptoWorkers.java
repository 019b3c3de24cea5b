package dev.flint.tunnel.wireguard;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits one batch's crypto over the calling thread and {@code helpers} more: each takes a
 * contiguous range of slots. Slot order, and so packet order on the wire, stays the caller's; the
 * engine's data path is thread-safe (see {@code WireGuardNode}), its replay window accepts the
 * counters slightly out of order.
 */
final class CryptoWorkers implements AutoCloseable {

    /** Work on slots {@code [from, to)}; {@code worker} 0 is the calling thread. */
    interface Task {
        void run(int from, int to, int worker);
    }

    private final Thread[] helpers;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile int generation;
    private volatile Task task;
    private volatile int count;
    private volatile Thread caller;
    private volatile boolean open = true;

    CryptoWorkers(int helperCount, String name) {
        helpers = new Thread[helperCount];
        for (int i = 0; i < helperCount; i++) {
            int worker = i + 1;
            helpers[i] = Thread.ofPlatform().daemon().name(name + "-" + worker).start(() -> loop(worker));
        }
    }

    int parallelism() {
        return helpers.length + 1;
    }

    /** Runs {@code t} over {@code [0, n)} split across all workers; returns when every range is done. */
    void run(int n, Task t) {
        int parts = helpers.length + 1;
        if (helpers.length == 0 || n < 2 * parts) {
            t.run(0, n, 0);
            return;
        }
        caller = Thread.currentThread();
        task = t;
        count = n;
        remaining.set(helpers.length);
        generation++;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
        t.run(0, n / parts, 0);
        int spins = 0;
        while (remaining.get() > 0) {
            if (++spins < 200) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private void loop(int worker) {
        int seen = 0;
        int parts = helpers.length + 1;
        while (open) {
            if (generation == seen) {
                LockSupport.parkNanos(this, 50_000_000);
                continue;
            }
            seen = generation;
            int n = count;
            Task t = task;
            int from = (int) ((long) n * worker / parts);
            int to = (int) ((long) n * (worker + 1) / parts);
            try {
                t.run(from, to, worker);
            } catch (RuntimeException e) {
                // The engine drops bad input as values; anything else is a bug, but it must not stall the batch.
                org.slf4j.LoggerFactory.getLogger(CryptoWorkers.class).error("crypto worker failed", e);
            } finally {
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        open = false;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
