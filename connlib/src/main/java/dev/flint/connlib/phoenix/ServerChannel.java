package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of one Phoenix socket, sans-IO, as a Firezone-like portal runs it.
 *
 * <p>Joins to accepted topics are answered {@code {"status":"ok","response":{}}} and reported; joins to other
 * topics and messages on topics not joined get {@code unmatched topic}. Heartbeats on {@code phoenix} are
 * answered. Replies echo the request's {@code ref} (and, in V2, {@code join_ref}) with its JSON type. If
 * nothing arrives for the idle timeout (Firezone: 37 s) the socket is to be closed.
 */
public final class ServerChannel {

    /** Phoenix's websocket idle timeout as the Firezone portal configures it for clients and gateways. */
    public static final Duration PORTAL_IDLE_TIMEOUT = Duration.ofSeconds(37);

    private static final Logger LOG = LoggerFactory.getLogger(ServerChannel.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final FrameFormat format;
    private final Predicate<String> acceptTopic;
    private final Duration idleTimeout;

    /** Joined topic → the join ref the client used (JSON null when none). */
    private final Map<String, JsonNode> joined = new HashMap<>();
    private final ArrayDeque<String> transmit = new ArrayDeque<>();
    private final ArrayDeque<ServerEvent> events = new ArrayDeque<>();

    private Instant idleDeadline;
    private boolean closed;
    private long malformed;

    /**
     * @param format      the serializer chosen from the socket's {@code vsn} ({@link FrameFormat#forVsn})
     * @param acceptTopic which topics may be joined
     * @param idleTimeout close after this long without input
     * @param now         when the socket opened
     */
    public ServerChannel(FrameFormat format, Predicate<String> acceptTopic, Duration idleTimeout, Instant now) {
        this.format = Objects.requireNonNull(format, "format");
        this.acceptTopic = Objects.requireNonNull(acceptTopic, "acceptTopic");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.idleDeadline = now.plus(idleTimeout);
    }

    public FrameFormat format() {
        return format;
    }

    public Set<String> joinedTopics() {
        return Set.copyOf(joined.keySet());
    }

    /** Frames that could not be read (logged and skipped). */
    public long malformedFrames() {
        return malformed;
    }

    // ---- inputs --------------------------------------------------------------------------------------

    public void handleMessage(String text, Instant now) {
        if (closed) {
            return;
        }
        idleDeadline = now.plus(idleTimeout);
        switch (FrameCodec.decode(text)) {
            case FrameCodec.Result.Malformed m -> {
                malformed++;
                LOG.warn("Ignoring malformed frame from client: {}", m.reason());
            }
            case FrameCodec.Result.Frame f -> handleFrame(f.frame());
        }
    }

    private void handleFrame(PhoenixFrame frame) {
        String topic = frame.topic();
        switch (frame.event()) {
            case PhoenixFrame.HEARTBEAT -> {
                if (topic.equals(PhoenixFrame.PHOENIX_TOPIC)) {
                    reply(frame, "ok", NODES.objectNode());
                } else {
                    unmatched(frame);
                }
            }
            case PhoenixFrame.PHX_JOIN -> {
                if (!acceptTopic.test(topic)) {
                    unmatched(frame);
                    return;
                }
                JsonNode joinRef = frame.joinRef() != null ? frame.joinRef() : NullNode.getInstance();
                joined.put(topic, joinRef);
                reply(frame, "ok", NODES.objectNode());
                events.add(new ServerEvent.Joined(topic, frame.payload()));
            }
            case PhoenixFrame.PHX_LEAVE -> {
                if (joined.remove(topic) == null) {
                    unmatched(frame);
                    return;
                }
                reply(frame, "ok", NODES.objectNode());
                transmit.add(FrameCodec.encode(PhoenixFrame.push(topic, PhoenixFrame.PHX_CLOSE, NODES.objectNode()),
                    format));
                events.add(new ServerEvent.Left(topic));
            }
            default -> {
                if (!joined.containsKey(topic)) {
                    unmatched(frame);
                    return;
                }
                events.add(new ServerEvent.Received(topic, frame.event(), frame.payload(), frame.ref()));
            }
        }
    }

    public void handleTimeout(Instant now) {
        if (!closed && !now.isBefore(idleDeadline)) {
            closeSocket("idle timeout");
        }
    }

    // ---- control -------------------------------------------------------------------------------------

    /** Pushes an event to a joined topic; false (and nothing sent) when the topic is not joined. */
    public boolean push(String topic, String event, JsonNode payload) {
        JsonNode joinRef = joined.get(topic);
        if (closed || joinRef == null) {
            return false;
        }
        transmit.add(FrameCodec.encode(new PhoenixFrame(topic, event, payload, NullNode.getInstance(),
            joinRef.isNull() ? null : joinRef), format));
        return true;
    }

    /** Answers a request: {@code {"status": ok|error, "response": response}} with the request's ref echoed. */
    public void reply(String topic, JsonNode ref, boolean ok, JsonNode response) {
        if (closed) {
            return;
        }
        JsonNode joinRef = joined.get(topic);
        PhoenixFrame request = new PhoenixFrame(topic, "", null, ref,
            joinRef == null || joinRef.isNull() ? null : joinRef);
        reply(request, ok ? "ok" : "error", response == null ? NODES.objectNode() : response);
    }

    /** Answers with {@code {"status":"error","response":{"reason": reason}}}. */
    public void replyError(String topic, JsonNode ref, String reason) {
        reply(topic, ref, false, NODES.objectNode().put("reason", reason));
    }

    /** Ends a topic gracefully ({@code phx_close}); the client reconnects. */
    public void closeTopic(String topic) {
        if (push(topic, PhoenixFrame.PHX_CLOSE, NODES.objectNode())) {
            joined.remove(topic);
        }
    }

    /** Reports a crashed topic ({@code phx_error}). */
    public void crashTopic(String topic) {
        if (push(topic, PhoenixFrame.PHX_ERROR, NODES.objectNode())) {
            joined.remove(topic);
        }
    }

    /** Pushes {@code disconnect {reason}} and stops the topic ({@code token_expired} signs the client out). */
    public void disconnect(String topic, String reason) {
        if (push(topic, "disconnect", NODES.objectNode().put("reason", reason))) {
            joined.remove(topic);
        }
    }

    /** Asks the shell to close the socket. */
    public void closeSocket(String reason) {
        if (!closed) {
            closed = true;
            joined.clear();
            events.add(new ServerEvent.CloseSocket(reason));
        }
    }

    // ---- outputs -------------------------------------------------------------------------------------

    public String pollSend() {
        return transmit.poll();
    }

    public ServerEvent pollEvent() {
        return events.poll();
    }

    public Instant pollTimeout() {
        return closed ? null : idleDeadline;
    }

    // ---- internals -----------------------------------------------------------------------------------

    private void unmatched(PhoenixFrame request) {
        reply(request, "error", NODES.objectNode().put("reason", "unmatched topic"));
    }

    private void reply(PhoenixFrame request, String status, JsonNode response) {
        ObjectNode payload = NODES.objectNode();
        payload.put("status", status);
        payload.set("response", response);
        JsonNode joinRef = request.joinRef() != null && !request.joinRef().isNull() ? request.joinRef() : null;
        transmit.add(FrameCodec.encode(new PhoenixFrame(request.topic(), PhoenixFrame.PHX_REPLY, payload,
            request.ref(), joinRef), format));
    }
}
