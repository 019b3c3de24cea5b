package dev.flint.connlib.phoenix;

import java.time.Duration;

/** Why opening the portal WebSocket failed, as the shell reports it to the channel. */
public sealed interface ConnectFailure {

    /** The upgrade got an HTTP response other than 101. {@code problem} and {@code retryAfter} may be null. */
    record HttpRejected(int status, ProblemDetails problem, Duration retryAfter) implements ConnectFailure {
    }

    /** DNS, TCP, TLS or WebSocket handshake failure, or a timeout. */
    record Transport(String reason) implements ConnectFailure {
    }
}
