package dev.flint.connlib.portal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** An encoded portal message: the Phoenix event name and its payload tree. */
public record EncodedMessage(String event, JsonNode payload) {

    public EncodedMessage {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(payload, "payload");
    }
}
