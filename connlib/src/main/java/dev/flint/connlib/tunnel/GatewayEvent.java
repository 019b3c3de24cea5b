package dev.flint.connlib.tunnel;

import java.util.UUID;

/** What {@link GatewayState} asks of its shell. */
public sealed interface GatewayEvent {
    /** Remove the connection to this client (a Goodbye was sent or received). */
    record CloseConnection(UUID clientId) implements GatewayEvent {}
}
