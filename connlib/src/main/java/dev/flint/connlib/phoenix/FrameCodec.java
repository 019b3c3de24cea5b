package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Text-frame codec for both serializers. V1 objects are written as {@code topic, event, payload, ref} (the
 * order connlib writes) with no {@code join_ref} and no {@code payload} key for a message without one
 * ({@link PhoenixFrame#NO_PAYLOAD}); a {@code join_ref} in a received V1 object is kept. Decoding
 * accepts either form whatever the socket's format, and reports which one it saw.
 */
public final class FrameCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FrameCodec() {
    }

    /** The result of reading one text frame. */
    public sealed interface Result {
        record Frame(PhoenixFrame frame, FrameFormat format) implements Result {
        }

        /**
         * Not a Phoenix frame. {@code truncated} is true when the JSON itself ended early, which Firezone treats
         * as a broken stream (reconnect) rather than one bad message (skip).
         */
        record Malformed(String reason, boolean truncated) implements Result {
        }
    }

    public static String encode(PhoenixFrame frame, FrameFormat format) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode tree;
        if (format == FrameFormat.V1_OBJECT) {
            ObjectNode o = nodes.objectNode();
            o.put("topic", frame.topic());
            o.put("event", frame.event());
            if (!frame.payload().isMissingNode()) {
                o.set("payload", frame.payload());
            }
            o.set("ref", frame.ref());
            tree = o;
        } else {
            ArrayNode a = nodes.arrayNode();
            a.add(frame.joinRef() == null ? nodes.nullNode() : frame.joinRef());
            a.add(frame.ref());
            a.add(frame.topic());
            a.add(frame.event());
            a.add(frame.payload().isMissingNode() ? nodes.nullNode() : frame.payload());
            tree = a;
        }
        return write(tree);
    }

    /** Compact JSON, the canonical text form used on the wire and in golden vectors. */
    public static String write(JsonNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Parses JSON text; null when it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public static Result decode(String text) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonEOFException e) {
            return new Result.Malformed("truncated JSON", true);
        } catch (JsonProcessingException e) {
            return new Result.Malformed("not JSON: " + e.getOriginalMessage(), false);
        }
        if (tree == null || tree.isMissingNode()) {
            return new Result.Malformed("empty frame", true);
        }
        if (tree.isObject()) {
            JsonNode topic = tree.get("topic");
            JsonNode event = tree.get("event");
            if (topic == null || !topic.isTextual()) {
                return new Result.Malformed("topic missing or not a string", false);
            }
            if (event == null || !event.isTextual()) {
                return new Result.Malformed("event missing or not a string", false);
            }
            if (!tree.has("payload")) {
                return new Result.Malformed("payload missing", false);
            }
            JsonNode joinRef = tree.get("join_ref");
            return new Result.Frame(new PhoenixFrame(topic.textValue(), event.textValue(), tree.get("payload"),
                tree.get("ref"), joinRef), FrameFormat.V1_OBJECT);
        }
        if (tree.isArray()) {
            if (tree.size() != 5) {
                return new Result.Malformed("array frame must have 5 elements", false);
            }
            JsonNode topic = tree.get(2);
            JsonNode event = tree.get(3);
            if (!topic.isTextual() || !event.isTextual()) {
                return new Result.Malformed("topic or event not a string", false);
            }
            return new Result.Frame(new PhoenixFrame(topic.textValue(), event.textValue(), tree.get(4), tree.get(1),
                tree.get(0)), FrameFormat.V2_ARRAY);
        }
        return new Result.Malformed("frame is neither an object nor an array", false);
    }
}
