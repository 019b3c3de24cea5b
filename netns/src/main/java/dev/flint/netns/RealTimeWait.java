package dev.flint.netns;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on the wall clock for something real — a process, a browser, a namespace, a socket — to reach a state.
 * Only real things are waited for this way; fakes move a fake clock instead.
 */
public final class RealTimeWait {

    /**
     * The deadline for anything a real process does in a second or two on an idle machine (starting, listening,
     * joining, answering, cleaning up). Generous on purpose: a loaded machine makes it many times slower, and a
     * wait that ends as soon as its condition holds costs nothing when things go well.
     */
    public static final Duration GENEROUS = Duration.ofMinutes(2);

    private static final long POLL_MILLIS = 20;

    private RealTimeWait() {
    }

    /** Waits up to {@link #GENEROUS} for {@code condition}; {@code what} names it in the failure. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, GENEROUS, condition, () -> "");
    }

    /**
     * Waits up to {@code limit} for {@code condition}, polling it. When the deadline passes, the error says what was
     * awaited ({@code what}, as in "the gateway to join") and what was seen instead ({@code seen}, such as a
     * process's last output).
     */
    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> seen) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String instead = seen.get();
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what + " in vain"
                    + (instead.isBlank() ? "" : "; seen instead:\n" + instead));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
