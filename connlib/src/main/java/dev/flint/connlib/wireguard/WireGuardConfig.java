package dev.flint.connlib.wireguard;

import java.time.Duration;
import java.util.Objects;

/**
 * The tunable timers of a {@link WireGuardNode}. The whitepaper's other constants (REKEY_AFTER_TIME 120 s,
 * REJECT_AFTER_TIME 180 s, the message limits) are fixed in {@link WireGuardNode}.
 *
 * @param rekeyAttemptTime how long to retry an unanswered handshake before giving up (whitepaper 90 s; Firezone
 *     uses 20 s in ICE mode)
 * @param rekeyTimeout how long to wait for a response before retransmitting (5 s; Firezone iceless mode 2 s); a
 *     random jitter of up to {@code rekeyTimeoutJitter} is added to each wait
 * @param rekeyTimeoutJitter the upper bound of that jitter (wireguard-go: 333 ms)
 * @param keepaliveTimeout after receiving data and sending nothing for this long, send a keepalive (10 s)
 * @param paddingMultiple data plaintext is zero-padded to a multiple of this (16 per the whitepaper, 0 or 1 for
 *     none, as Firezone does); padding never grows a packet beyond {@code paddingMtu}
 * @param paddingMtu the largest plaintext size padding may produce (the tunnel MTU)
 */
public record WireGuardConfig(
        Duration rekeyAttemptTime,
        Duration rekeyTimeout,
        Duration rekeyTimeoutJitter,
        Duration keepaliveTimeout,
        int paddingMultiple,
        int paddingMtu) {

    public WireGuardConfig {
        Objects.requireNonNull(rekeyAttemptTime);
        Objects.requireNonNull(rekeyTimeout);
        Objects.requireNonNull(rekeyTimeoutJitter);
        Objects.requireNonNull(keepaliveTimeout);
        if (rekeyAttemptTime.isNegative() || rekeyTimeout.isNegative() || rekeyTimeout.isZero()
                || rekeyTimeoutJitter.isNegative() || keepaliveTimeout.isNegative() || keepaliveTimeout.isZero()) {
            throw new IllegalArgumentException("timer durations must be positive");
        }
        if (paddingMultiple < 0 || paddingMultiple > 256 || paddingMtu < 0) {
            throw new IllegalArgumentException("padding multiple must be 0..256 and the MTU non-negative");
        }
    }

    /** The whitepaper's values, padding to 16 bytes within a 1420-byte MTU (wg-quick's default). */
    public static WireGuardConfig standard() {
        return new WireGuardConfig(
                Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofMillis(333), Duration.ofSeconds(10), 16, 1420);
    }

    /** Firezone's ICE mode: give up handshaking after 20 s, no padding, 1280-byte tunnel MTU. */
    public static WireGuardConfig firezoneIce() {
        return new WireGuardConfig(
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(333), Duration.ofSeconds(10), 0, 1280);
    }

    public WireGuardConfig withRekeyAttemptTime(Duration value) {
        return new WireGuardConfig(value, rekeyTimeout, rekeyTimeoutJitter, keepaliveTimeout, paddingMultiple, paddingMtu);
    }

    public WireGuardConfig withPadding(int multiple, int mtu) {
        return new WireGuardConfig(rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitter, keepaliveTimeout, multiple, mtu);
    }
}
