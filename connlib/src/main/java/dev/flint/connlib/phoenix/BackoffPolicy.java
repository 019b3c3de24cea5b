package dev.flint.connlib.phoenix;

import java.time.Duration;
import java.util.Objects;

/**
 * Reconnect delays. Before the first successful join Firezone retries every second for at most 15 s; after
 * having been joined once it uses an exponential backoff (500 ms × 1.5 up to 60 s, jittered) whose budget
 * depends on the component. The budget bounds the sum of computed delays; {@code null} means unlimited.
 */
public record BackoffPolicy(Duration initialInterval, double multiplier, Duration maxInterval, boolean jitter,
                            Duration budget) {

    /** Before the first join: fixed 1 s, no jitter, 15 s in total, then the connection attempt is fatal. */
    public static final BackoffPolicy INITIAL_CONNECT =
        new BackoffPolicy(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), false, Duration.ofSeconds(15));

    /** After a join, with the library default budget of 15 minutes. */
    public static final BackoffPolicy RECONNECT_DEFAULT = reconnect(Duration.ofMinutes(15));

    /** After a join, unlimited (the headless client when no partition time is configured). */
    public static final BackoffPolicy RECONNECT_UNLIMITED = reconnect(null);

    public BackoffPolicy {
        Objects.requireNonNull(initialInterval, "initialInterval");
        Objects.requireNonNull(maxInterval, "maxInterval");
        if (multiplier < 1.0 || initialInterval.isNegative() || maxInterval.compareTo(initialInterval) < 0) {
            throw new IllegalArgumentException("bad backoff policy");
        }
    }

    /** The post-join exponential policy with the given budget ({@code null} = unlimited). */
    public static BackoffPolicy reconnect(Duration budget) {
        return new BackoffPolicy(Duration.ofMillis(500), 1.5, Duration.ofSeconds(60), true, budget);
    }

    public Backoff start() {
        return new Backoff(this);
    }
}
