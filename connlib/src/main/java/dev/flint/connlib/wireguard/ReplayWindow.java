package dev.flint.connlib.wireguard;

/**
 * The receive-counter filter of one session: a ring of 64-bit blocks as in RFC 6479 and wireguard-go's
 * {@code replay.go}, accepting each counter once and anything up to {@link #WINDOW} behind the highest counter
 * seen. Thread-safe: workers decrypting packets of the same session in parallel call {@link #accept} under the
 * window's own monitor, which is held for a few instructions only.
 */
final class ReplayWindow {
    /** How far behind the highest counter a packet may arrive (Firezone uses 8192). */
    static final long WINDOW = 8192;
    private static final int BLOCK_BITS_LOG = 6;
    private static final int BLOCKS = 256; // power of two > WINDOW / 64 + 1, so a live bit is never cleared early
    private static final int BLOCK_MASK = BLOCKS - 1;

    private final long[] ring = new long[BLOCKS];
    private long last;

    /**
     * A cheap test before decryption: false when the counter is certainly refused (too old or at or beyond
     * {@code limit}). Racy reads are fine, the verdict is repeated by {@link #accept}.
     */
    boolean mayAccept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long highest = last;
        return Long.compareUnsigned(counter, highest) > 0 || highest - counter < WINDOW;
    }

    /** Forgets every counter (benchmarks replay a fixed set of datagrams; the protocol never resets a window). */
    synchronized void reset() {
        java.util.Arrays.fill(ring, 0);
        last = 0;
    }

    /** Records {@code counter} if it is new and inside the window; false for duplicates, old or over-limit ones. */
    synchronized boolean accept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long block = counter >>> BLOCK_BITS_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BLOCK_BITS_LOG;
            long diff = Math.min(block - current, BLOCKS);
            for (long i = current + 1; i <= current + diff; i++) {
                ring[(int) (i & BLOCK_MASK)] = 0;
            }
            last = counter;
        } else if (last - counter >= WINDOW) {
            return false;
        }
        int index = (int) (block & BLOCK_MASK);
        long bit = 1L << (counter & 63);
        long old = ring[index];
        ring[index] = old | bit;
        return (old & bit) == 0;
    }
}
