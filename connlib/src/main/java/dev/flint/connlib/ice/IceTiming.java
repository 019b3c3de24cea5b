package dev.flint.connlib.ice;

import java.time.Duration;

/**
 * STUN check timing of one agent (str0m semantics): retransmit after
 * {@code min(initialRto * 2^(n-1), maxRto)}, re-check a working pair every {@code maxRto},
 * give a pair up after {@code maxRetransmits} unanswered checks.
 */
public record IceTiming(Duration initialRto, Duration maxRto, int maxRetransmits) {
    public static final IceTiming CLIENT_DEFAULT = new IceTiming(Duration.ofMillis(250), Duration.ofMillis(1500), 12);
    public static final IceTiming CLIENT_IDLE = new IceTiming(Duration.ofSeconds(25), Duration.ofSeconds(25), 4);
    public static final IceTiming SERVER_DEFAULT = new IceTiming(Duration.ofMillis(250), Duration.ofSeconds(15), 45);
    public static final IceTiming SERVER_IDLE = new IceTiming(Duration.ofSeconds(25), Duration.ofSeconds(25), 40);

    public IceTiming {
        if (maxRetransmits < 1 || initialRto.isNegative() || initialRto.isZero() || maxRto.compareTo(initialRto) < 0) {
            throw new IllegalArgumentException("invalid ICE timing");
        }
    }

    /** Delay before check number {@code n} (1-based) of a run of unanswered checks. */
    public Duration retransmitDelay(int n) {
        long ms = initialRto.toMillis();
        for (int i = 1; i < n && ms < maxRto.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxRto.toMillis()));
    }

    /** How long a working pair survives without answers: one keepalive interval, then the retransmit ladder. */
    public Duration iceTimeout() {
        Duration total = maxRto;
        for (int n = 2; n <= maxRetransmits; n++) {
            total = total.plus(retransmitDelay(n));
        }
        return total;
    }
}
