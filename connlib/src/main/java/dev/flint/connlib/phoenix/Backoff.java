package dev.flint.connlib.phoenix;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One run of a {@link BackoffPolicy}: the base interval starts at the initial one and is multiplied after each
 * use, capped at the maximum; jitter adds a uniform extra of up to one base interval (as the backoff library
 * Firezone uses does); once the delays handed out would exceed the budget the run is exhausted.
 */
public final class Backoff {

    private final BackoffPolicy policy;
    private Duration base;
    private Duration spent = Duration.ZERO;

    Backoff(BackoffPolicy policy) {
        this.policy = policy;
    }

    /** The next delay, or empty when the budget is used up. */
    public Optional<Duration> next(RandomGenerator random) {
        if (base == null) {
            base = policy.initialInterval();
        } else if (base.compareTo(policy.maxInterval()) < 0) {
            base = min(scale(base, policy.multiplier()), policy.maxInterval());
        }
        Duration delay = base;
        if (policy.jitter()) {
            delay = delay.plus(scale(base, random.nextDouble()));
        }
        if (policy.budget() != null) {
            if (spent.plus(delay).compareTo(policy.budget()) > 0) {
                return Optional.empty();
            }
            spent = spent.plus(delay);
        }
        return Optional.of(delay);
    }

    /** The sum of the delays handed out so far. */
    public Duration spent() {
        return spent;
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
