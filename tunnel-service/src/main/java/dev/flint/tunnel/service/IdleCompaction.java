package dev.flint.tunnel.service;

import java.time.Duration;
import java.time.Instant;

/**
 * When the service gives back the memory a burst of traffic or the sign-in left behind: once when the tunnel is first
 * up ({@link #tunnelUp}: the sign-in's TLS, JSON and class loading are garbage by then, and a download that starts at
 * once would otherwise carry that heap for its whole length), and once after the tunnel has been quiet for
 * {@link #QUIET} following a busy spell (or the start). The serial collector only shrinks the heap at a full
 * collection and nothing else triggers one in a service that mostly waits, so without this the heap a download grew
 * stays committed for good. Time comes in as an argument; the caller runs the collection. The tunnel's listener
 * and its status reports may call from different threads.
 */
final class IdleCompaction {
    /** How long the tunnel must stay quiet before the heap is compacted. */
    static final Duration QUIET = Duration.ofSeconds(30);
    /** Less than this many bytes per second is quiet: keepalives and ICE checks still move a few hundred. */
    static final long QUIET_BYTES_PER_SECOND = 8 * 1024;

    private long lastTotal = -1;
    private Instant lastLook;
    private Instant quietSince;
    private boolean compacted;
    private boolean up;

    /** True the first time the tunnel is up after the start, never again: compact the sign-in's leftovers now. */
    synchronized boolean tunnelUp() {
        if (up) {
            return false;
        }
        up = true;
        return true;
    }

    /**
     * Takes the bytes the tunnel moved in total so far, at {@code now}; true exactly when the heap should be compacted
     * now (then not again before traffic moves and goes quiet once more).
     */
    synchronized boolean observe(long totalBytes, Instant now) {
        if (lastLook == null) {
            lastTotal = totalBytes;
            lastLook = now;
            quietSince = now;
            return false;
        }
        long seconds = Math.max(1, Duration.between(lastLook, now).toSeconds());
        boolean busy = totalBytes - lastTotal > QUIET_BYTES_PER_SECOND * seconds;
        lastTotal = totalBytes;
        lastLook = now;
        if (busy) {
            quietSince = null;
            compacted = false;
            return false;
        }
        if (quietSince == null) {
            quietSince = now;
        }
        if (!compacted && !now.isBefore(quietSince.plus(QUIET))) {
            compacted = true;
            return true;
        }
        return false;
    }
}
