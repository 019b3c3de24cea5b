package dev.flint.connlib.phoenix;

import java.time.Duration;
import java.util.Objects;

/**
 * The client channel's clocks. {@link #FIREZONE} is what connlib uses; other values exist so shells can be
 * exercised against real sockets without waiting tens of seconds.
 */
public record ChannelTimings(Duration heartbeatInterval, Duration joinTimeout, Duration connectTimeout,
                             BackoffPolicy initialBackoff) {

    /** Heartbeat 10 s, join reply within 5 s, TCP+TLS+WebSocket handshake within 15 s, 1 s retries for 15 s. */
    public static final ChannelTimings FIREZONE = new ChannelTimings(Duration.ofSeconds(10), Duration.ofSeconds(5),
        Duration.ofSeconds(15), BackoffPolicy.INITIAL_CONNECT);

    public ChannelTimings {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
    }
}
