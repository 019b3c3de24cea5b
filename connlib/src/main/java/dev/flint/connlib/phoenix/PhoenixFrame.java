package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One Phoenix channel message. {@code ref} and {@code joinRef} are kept as JSON values because a server must
 * echo them with the type the client used (connlib sends numbers, the Phoenix JS client strings); a push
 * has a JSON {@code null} ref. {@code joinRef} is Java null when the frame carried none (V1 from connlib).
 */
public record PhoenixFrame(String topic, String event, JsonNode payload, JsonNode ref, JsonNode joinRef) {

    public static final String PHX_JOIN = "phx_join";
    public static final String PHX_LEAVE = "phx_leave";
    public static final String PHX_REPLY = "phx_reply";
    public static final String PHX_ERROR = "phx_error";
    public static final String PHX_CLOSE = "phx_close";
    public static final String HEARTBEAT = "heartbeat";
    public static final String PHOENIX_TOPIC = "phoenix";

    /**
     * The payload of a message that has none: V1 frames are written without a {@code payload} key (serde's
     * adjacently tagged unit variant), unlike a JSON {@code null} payload, which is written as {@code null}.
     */
    public static final JsonNode NO_PAYLOAD = MissingNode.getInstance();

    public PhoenixFrame {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
        payload = payload == null ? NullNode.getInstance() : payload;
        ref = ref == null ? NullNode.getInstance() : ref;
    }

    /** A frame without a join ref, as Firezone peers send them. */
    public PhoenixFrame(String topic, String event, JsonNode payload, JsonNode ref) {
        this(topic, event, payload, ref, null);
    }

    /** A client request with a numeric ref. */
    public static PhoenixFrame request(String topic, String event, JsonNode payload, long ref) {
        return new PhoenixFrame(topic, event, payload, JsonNodeFactory.instance.numberNode(ref));
    }

    /** A server push: {@code ref} is null. */
    public static PhoenixFrame push(String topic, String event, JsonNode payload) {
        return new PhoenixFrame(topic, event, payload, NullNode.getInstance());
    }

    /** The numeric value of the ref, or -1 when it is null or not a non-negative integer (string refs included). */
    public long numericRef() {
        if (ref.isIntegralNumber() && ref.canConvertToLong() && ref.longValue() >= 0) {
            return ref.longValue();
        }
        if (ref.isTextual()) {
            String t = ref.textValue();
            if (!t.isEmpty() && t.length() < 19 && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
        }
        return -1;
    }
}
