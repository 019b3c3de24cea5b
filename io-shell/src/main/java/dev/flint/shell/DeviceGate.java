package dev.flint.shell;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The closed / in-flight / drain rule every TUN device follows: a call enters the gate before it
 * touches the native handle and leaves it after; {@link #close} shuts the gate and then waits until
 * no call is inside, so the descriptor (or Wintun session) is released only when nothing can still
 * be using it, and its number cannot be reused under a reader. A call that finds the gate shut does
 * not touch the handle at all.
 */
public final class DeviceGate {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * Enters for one call; false (and not entered) once the gate is shut. Counting before looking
     * at the flag is what makes it safe: a closer that shut the gate after this look sees the count.
     */
    public boolean enter() {
        inFlight.incrementAndGet();
        if (closed.get()) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Leaves after a call that {@link #enter} admitted. */
    public void exit() {
        inFlight.decrementAndGet();
    }

    /** Whether the gate is shut: a long call inside (a read loop) looks at this between waits. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Calls inside the gate now. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Shuts the gate and waits up to {@code budget} for the calls inside to leave, running
     * {@code wake} between looks (e.g. signalling the event a reader waits on). Returns false if
     * the gate was already shut (the caller must not release the handle twice); otherwise true,
     * with {@link #inFlight()} telling whether every call left in time.
     */
    public boolean close(Duration budget, Runnable wake) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        // A bounded safety net, not a timing: readers look at the flag at least every poll slice.
        long deadline = System.nanoTime() + budget.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            wake.run();
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }
}
