package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;

/** What the server end of a socket reports to the application, polled with {@code pollEvent()}. */
public sealed interface ServerEvent {

    /** A join was accepted (and answered); the application pushes its {@code init} now. */
    record Joined(String topic, JsonNode payload) implements ServerEvent {
    }

    /**
     * An application message on a joined topic. Keep {@code ref} to answer with
     * {@link ServerChannel#reply}; Firezone portals mostly answer with pushes instead.
     */
    record Received(String topic, String event, JsonNode payload, JsonNode ref) implements ServerEvent {
    }

    /** The client left the topic ({@code phx_leave}). */
    record Left(String topic) implements ServerEvent {
    }

    /** The shell must close the socket (idle timeout, or the application asked). */
    record CloseSocket(String reason) implements ServerEvent {
    }
}
