package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** What the client channel asks of its shell or reports to its owner, polled with {@code pollEvent()}. */
public sealed interface ChannelEvent {

    /** Dial the portal now (resolving the host afresh), then report opened or failed. */
    record OpenSocket(int attempt) implements ChannelEvent {
    }

    /** Close the current socket; its later callbacks are stale and must not be reported. */
    record CloseSocket(String reason) implements ChannelEvent {
    }

    /** The join was accepted; the portal will now push {@code init}. */
    record Joined(String topic) implements ChannelEvent {
    }

    /** An application push on the channel's topic. */
    record Inbound(String topic, String event, JsonNode payload) implements ChannelEvent {
    }

    /** The connection was lost or refused; a new attempt is scheduled after {@code retryIn}. */
    record Disconnected(String reason, Duration retryIn) implements ChannelEvent {
    }

    /** The channel stopped for good. */
    record Failed(ChannelError error) implements ChannelEvent {
    }
}
