package dev.flint.connlib.tunnel;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Resources whose connection went away (a failure, a reset, the gateway's goodbye) and that the client asks for again
 * by itself, not only on their next packet as Firezone does: a flow whose application only receives, such as a
 * download, sends no packet, and a gateway never calls a client back. A gateway that is restarting is offline for a
 * while, so an {@code offline} answer is asked again after 1, 2, 4... up to 30 seconds, for at most {@link #GIVE_UP}
 * after the loss; then the resource waits for its next packet, so a gateway that is gone for good does not make an
 * idle client ask for ever. A resource leaves this list only when its connection is back (or it is authorized onto one
 * that is up): not when its application sends a packet, because a download's last acknowledgements, sent just after
 * the gateway's goodbye, ask once, hear {@code offline}, and then nothing more comes from the application.
 */
final class LostResources {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    static final Duration GIVE_UP = Duration.ofMinutes(5);

    private static final class Lost {
        final Instant since;
        int attempts;
        Instant retryAt;

        Lost(Instant since) {
            this.since = since;
        }
    }

    private final Map<UUID, Lost> lost = new HashMap<>();

    /** Records a loss; false if the resource was already being asked for again (once per loss). */
    boolean lost(UUID resource, Instant now) {
        return lost.putIfAbsent(resource, new Lost(now)) == null;
    }

    /** The connection is back: nothing more to do. */
    void found(UUID resource) {
        lost.remove(resource);
    }

    /**
     * The portal said the resource's gateways are offline: schedules the next question, unless the loss is older
     * than {@link #GIVE_UP}. Returns whether it will ask again.
     */
    boolean offline(UUID resource, Instant now) {
        Lost l = lost.get(resource);
        if (l == null) {
            return false;
        }
        if (!now.isBefore(l.since.plus(GIVE_UP))) {
            lost.remove(resource);
            return false;
        }
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(l.attempts, 5));
        l.retryAt = now.plus(wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait);
        l.attempts++;
        return true;
    }

    /** The resources whose next question is due at {@code now}; each is due once per {@link #offline} answer. */
    List<UUID> due(Instant now) {
        List<UUID> out = new java.util.ArrayList<>();
        lost.forEach((id, l) -> {
            if (l.retryAt != null && !l.retryAt.isAfter(now)) {
                l.retryAt = null;
                out.add(id);
            }
        });
        return out;
    }

    /** When the next question is due, or null. */
    Instant nextRetry() {
        Instant next = null;
        for (Lost l : lost.values()) {
            if (l.retryAt != null && (next == null || l.retryAt.isBefore(next))) {
                next = l.retryAt;
            }
        }
        return next;
    }
}
