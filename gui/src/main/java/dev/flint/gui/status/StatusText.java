package dev.flint.gui.status;

import dev.flint.ipc.ConnectionPath;
import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.PathKind;
import dev.flint.ipc.ResourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Resource statuses, paths, round trips, byte counts and ages as short phrases. */
public final class StatusText {

    private StatusText() {
    }

    /** Firezone's words for the three old states, plus {@code connecting}. */
    public static String status(ResourceStatus status) {
        return switch (status) {
            case UNKNOWN -> "No activity";
            case CONNECTING -> "Connecting\u2026";
            case ONLINE -> "Online";
            case OFFLINE -> "Gateway unreachable";
        };
    }

    /**
     * A resource's status with how it is reached when online: "Online · direct · 12 ms". The path and RTT come
     * from its gateway connection; a status without one stays the bare status.
     */
    public static String resource(ResourceStatus status, Optional<GatewayConnection> connection) {
        if (status != ResourceStatus.ONLINE || connection.isEmpty() || connection.get().path() == null) {
            return status(status);
        }
        GatewayConnection c = connection.get();
        String text = status(status) + " \u00b7 " + kind(c.path().kind());
        return c.rttMicros() == null ? text : text + " \u00b7 " + rtt(c.rttMicros());
    }

    public static String kind(PathKind kind) {
        return switch (kind) {
            case DIRECT -> "direct";
            case RELAYED -> "relayed";
        };
    }

    /** "direct: srflx 198.51.100.7:52625 → host 203.0.113.10:52625". */
    public static String path(ConnectionPath path) {
        return kind(path.kind()) + ": " + path.local().type() + " " + path.local().address() + " \u2192 "
                + path.remote().type() + " " + path.remote().address();
    }

    /** Milliseconds with one decimal below 10 ms, whole above: "0.8 ms", "23 ms". */
    public static String rtt(long micros) {
        if (micros < 10_000) {
            return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
        }
        return Math.round(micros / 1000.0) + " ms";
    }

    /** Binary units, as {@code wg show} prints them. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** "never", "just now", "12 s ago", "3 min ago", "2 h ago". */
    public static String ago(Long epochMillis, Instant now) {
        if (epochMillis == null) {
            return "never";
        }
        Duration d = Duration.between(Instant.ofEpochMilli(epochMillis), now);
        long s = Math.max(0, d.toSeconds());
        if (s < 2) {
            return "just now";
        }
        if (s < 120) {
            return s + " s ago";
        }
        if (s < 7200) {
            return s / 60 + " min ago";
        }
        return s / 3600 + " h ago";
    }
}
