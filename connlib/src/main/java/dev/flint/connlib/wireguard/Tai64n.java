package dev.flint.connlib.wireguard;

import java.time.Instant;
import java.util.Arrays;

/**
 * TAI64N timestamps as WireGuard sends them in initiations: 8 bytes big-endian {@code 2^62 + 10 + unix seconds},
 * then 4 bytes big-endian nanoseconds rounded down to a multiple of 2^24 ns (as wireguard-go does, so the
 * timestamp does not leak a fine-grained clock).
 */
final class Tai64n {
    static final int LENGTH = 12;
    private static final long BASE = 0x400000000000000aL;
    private static final int WHITENER_MASK = 0x1000000 - 1;

    private Tai64n() {}

    static byte[] of(Instant time) {
        byte[] out = new byte[LENGTH];
        long seconds = BASE + time.getEpochSecond();
        int nanos = time.getNano() & ~WHITENER_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (seconds >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** Whether {@code a} is strictly later than {@code b}: both big-endian, so unsigned byte order is time order. */
    static boolean isAfter(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) > 0;
    }
}
