package dev.flint.connlib.phoenix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of a Phoenix socket with one channel topic, as Firezone's connlib runs it, sans-IO.
 *
 * <p>After the socket opens it sends {@code phx_join} (ref 0, the given payload, JSON {@code null} for clients
 * and gateways) and holds every application message until the join reply; refs restart at 0 on every
 * connection. A heartbeat goes to topic {@code phoenix} every 10 s from the moment the socket opens; when three
 * are still unanswered at the next tick, or the join is not answered within 5 s, it reconnects. Replies:
 * an error for the pending join is fatal; {@code unmatched topic} for anything else rejoins; other replies are
 * ignored. {@code phx_error} is ignored, {@code phx_close} reconnects, {@code disconnect} with
 * {@code token_expired} is fatal and requires sign-in.
 *
 * <p>Connect failures: 401 is fatal (sign-in required only for {@code invalid_token}/{@code missing_token});
 * anything else is retried, after {@code Retry-After} when given (not counted against the budget), else after
 * the next backoff delay: {@link BackoffPolicy#INITIAL_CONNECT} until the first join, then the reconnect policy.
 */
public final class ClientChannel {

    /** More unanswered heartbeats than this at a tick means the connection is dead. */
    public static final int MAX_UNANSWERED_HEARTBEATS = 3;

    /** The detail of a 401 without a usable problem body, in connlib's words. */
    public static final String NO_REASON = "no reason provided";

    private static final Logger LOG = LoggerFactory.getLogger(ClientChannel.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Whether {@link #send} took the message. */
    public enum SendResult { QUEUED, DUPLICATE, NOT_CONNECTED }

    private enum State { IDLE, WAITING, CONNECTING, JOINING, JOINED, CLOSED }

    private record Outgoing(String event, JsonNode payload) {
    }

    /** A frame waiting to be written; {@code message} is set for application messages (duplicate check). */
    private record Unwritten(String text, Outgoing message) {
    }

    private final String topic;
    private final JsonNode joinPayload;
    private final BackoffPolicy reconnectPolicy;
    private final RandomGenerator random;
    private final ChannelTimings timings;

    private final ArrayDeque<Unwritten> transmit = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> held = new ArrayDeque<>();
    private final ArrayDeque<ChannelEvent> events = new ArrayDeque<>();
    private final Set<Long> inflightHeartbeats = new HashSet<>();

    private State state = State.IDLE;
    private Backoff backoff;
    private boolean everJoined;
    private long nextRef;
    private long joinRef = -1;
    private int attempt;
    private Instant retryAt;
    private Instant connectDeadline;
    private Instant joinDeadline;
    private Instant nextHeartbeat;
    private String lastError = "none";

    /**
     * @param topic           the login topic: {@code client}, {@code gateway} or {@code relay}
     * @param joinPayload     JSON {@code null} for clients and gateways
     * @param reconnectPolicy the backoff after having been joined once
     * @param random          jitter source
     */
    public ClientChannel(String topic, JsonNode joinPayload, BackoffPolicy reconnectPolicy, RandomGenerator random) {
        this(topic, joinPayload, reconnectPolicy, random, ChannelTimings.FIREZONE);
    }

    /** As above with explicit clocks (tests of shells over real sockets). */
    public ClientChannel(String topic, JsonNode joinPayload, BackoffPolicy reconnectPolicy, RandomGenerator random,
                         ChannelTimings timings) {
        this.timings = Objects.requireNonNull(timings, "timings");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.joinPayload = joinPayload == null ? NullNode.getInstance() : joinPayload;
        this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
        this.random = Objects.requireNonNull(random, "random");
    }

    public String topic() {
        return topic;
    }

    public boolean isJoined() {
        return state == State.JOINED;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    // ---- control -------------------------------------------------------------------------------------

    /** Starts connecting now. Does nothing unless idle. */
    public void connect(Instant now) {
        if (state == State.IDLE) {
            dial(now);
        }
    }

    /**
     * The user's "connect now": while waiting out a back-off delay, forget the back-off and dial at once; the
     * next failure starts the back-off from its first interval. Returns whether it dialled (false when a
     * connection is already open or being opened, or the channel is idle or closed).
     */
    public boolean connectNow(Instant now) {
        if (state != State.WAITING) {
            return false;
        }
        backoff = null;
        dial(now);
        return true;
    }

    /** Stops for good (sign-out, shutdown); the socket is closed. */
    public void close(Instant now) {
        if (state == State.CLOSED) {
            return;
        }
        if (hasSocket()) {
            events.add(new ChannelEvent.CloseSocket("closed by owner"));
        }
        state = State.CLOSED;
        clearConnection();
    }

    /**
     * Queues an application message on the channel's topic. While joining it is held until the join reply;
     * while disconnected it is refused. An exact duplicate of a message not yet written (held for the join or
     * queued for the socket) is not queued twice, as connlib's {@code PhoenixChannel::send} refuses it. A null
     * payload means the message has none: the frame is written without a {@code payload} key, as serde writes a
     * content-less variant (a JSON {@code null} payload is written as {@code "payload":null}).
     */
    public SendResult send(String event, JsonNode payload) {
        if (state != State.JOINING && state != State.JOINED) {
            return SendResult.NOT_CONNECTED;
        }
        Outgoing message = new Outgoing(event, payload == null ? PhoenixFrame.NO_PAYLOAD : payload);
        if (held.contains(message) || transmit.stream().anyMatch(u -> message.equals(u.message()))) {
            return SendResult.DUPLICATE;
        }
        held.add(message);
        flushHeld();
        return SendResult.QUEUED;
    }

    // ---- socket lifecycle inputs ---------------------------------------------------------------------

    /** The WebSocket upgrade succeeded: join and start the heartbeat. */
    public void handleSocketOpened(Instant now) {
        if (state != State.CONNECTING) {
            return;
        }
        nextRef = 0;
        inflightHeartbeats.clear();
        transmit.clear();
        held.clear();
        nextHeartbeat = now.plus(timings.heartbeatInterval());
        sendJoin(now);
    }

    /** The upgrade failed. */
    public void handleConnectFailed(ConnectFailure failure, Instant now) {
        if (state != State.CONNECTING) {
            return;
        }
        switch (failure) {
            case ConnectFailure.HttpRejected r when r.status() == 401 -> {
                String code = r.problem() == null ? null : r.problem().code();
                if ("invalid_token".equals(code) || "missing_token".equals(code)) {
                    fail(new ChannelError.InvalidToken("HTTP 401 " + code), false);
                } else {
                    // connlib's Error::from_unauthorized: the problem detail, else "no reason provided".
                    String detail = r.problem() != null && r.problem().detail() != null
                        && !r.problem().detail().isBlank() ? r.problem().detail() : NO_REASON;
                    fail(new ChannelError.AuthenticationFailed(detail), false);
                }
            }
            case ConnectFailure.HttpRejected r -> {
                String why = "HTTP " + r.status() + (r.problem() != null && r.problem().code() != null
                    ? " " + r.problem().code() : "");
                hiccup(why, now, r.retryAfter(), false);
            }
            case ConnectFailure.Transport t -> hiccup(t.reason(), now, null, false);
        }
    }

    /** The socket closed (close frame, EOF, IO error). */
    public void handleSocketClosed(String reason, Instant now) {
        if (state == State.JOINING || state == State.JOINED) {
            hiccup(reason, now, null, false);
        }
    }

    // ---- data inputs ---------------------------------------------------------------------------------

    /** One text frame from the portal. */
    public void handleMessage(String text, Instant now) {
        if (state != State.JOINING && state != State.JOINED) {
            return;
        }
        switch (FrameCodec.decode(text)) {
            case FrameCodec.Result.Malformed m when m.truncated() -> hiccup("broken frame: " + m.reason(), now, null, true);
            case FrameCodec.Result.Malformed m -> LOG.warn("Ignoring malformed portal frame: {}", m.reason());
            case FrameCodec.Result.Frame f -> handleFrame(f.frame(), now);
        }
    }

    private void handleFrame(PhoenixFrame frame, Instant now) {
        switch (frame.event()) {
            case PhoenixFrame.PHX_REPLY -> handleReply(frame, now);
            case PhoenixFrame.PHX_ERROR -> LOG.debug("Channel {} crashed on the portal (phx_error); ignoring", frame.topic());
            case PhoenixFrame.PHX_CLOSE -> {
                if (frame.topic().equals(topic)) {
                    hiccup("portal closed the channel", now, null, true);
                }
            }
            case "disconnect" -> {
                JsonNode reason = frame.payload().get("reason");
                if (reason != null && "token_expired".equals(reason.asText())) {
                    fail(new ChannelError.InvalidToken("token_expired"), true);
                } else {
                    LOG.warn("Ignoring disconnect with unknown reason: {}", frame.payload());
                }
            }
            default -> {
                if (frame.topic().equals(topic)) {
                    events.add(new ChannelEvent.Inbound(frame.topic(), frame.event(), frame.payload()));
                } else {
                    LOG.debug("Ignoring {} on foreign topic {}", frame.event(), frame.topic());
                }
            }
        }
    }

    private void handleReply(PhoenixFrame frame, Instant now) {
        long ref = frame.numericRef();
        JsonNode payload = frame.payload();
        String status = payload.path("status").asText("");
        JsonNode response = payload.get("response");
        if (ref < 0) {
            LOG.warn("Discarding reply without a usable ref");
            return;
        }
        if (status.equals("ok")) {
            boolean empty = response == null || response.isNull() || (response.isObject() && response.isEmpty());
            if (!empty) {
                // connlib only understands empty OK replies; a join answered otherwise times out.
                LOG.debug("Ignoring OK reply with content for ref {}", ref);
                return;
            }
            if (state == State.JOINING && ref == joinRef && frame.topic().equals(topic)) {
                joined();
            } else if (inflightHeartbeats.remove(ref)) {
                LOG.trace("Heartbeat {} answered", ref);
            }
            return;
        }
        if (status.equals("error")) {
            String reason = response == null ? "" : response.path("reason").asText("");
            if (state == State.JOINING && ref == joinRef && frame.topic().equals(topic)) {
                fail(new ChannelError.LoginFailed(reason.isEmpty() ? "other" : reason), true);
            } else if (reason.equals("unmatched topic") && frame.topic().equals(topic)) {
                LOG.info("Portal no longer knows topic {}; rejoining", topic);
                sendJoin(now);
            } else {
                LOG.debug("Ignoring error reply {} for ref {}", reason, ref);
            }
        }
    }

    /** Drives the timers: dial, connect timeout, join timeout, heartbeat. */
    public void handleTimeout(Instant now) {
        switch (state) {
            case WAITING -> {
                if (!now.isBefore(retryAt)) {
                    dial(now);
                }
            }
            case CONNECTING -> {
                if (!now.isBefore(connectDeadline)) {
                    events.add(new ChannelEvent.CloseSocket("connect timed out"));
                    hiccup("connection to portal timed out", now, null, false);
                }
            }
            case JOINING, JOINED -> {
                if (joinDeadline != null && !now.isBefore(joinDeadline)) {
                    hiccup("room join timed out", now, null, true);
                    return;
                }
                if (!now.isBefore(nextHeartbeat)) {
                    if (inflightHeartbeats.size() >= MAX_UNANSWERED_HEARTBEATS) {
                        hiccup("too many heartbeats were unanswered", now, null, true);
                        return;
                    }
                    long ref = nextRef++;
                    inflightHeartbeats.add(ref);
                    transmit.add(new Unwritten(FrameCodec.encode(PhoenixFrame.request(PhoenixFrame.PHOENIX_TOPIC,
                        PhoenixFrame.HEARTBEAT, NODES.objectNode(), ref), FrameFormat.V1_OBJECT), null));
                    nextHeartbeat = now.plus(timings.heartbeatInterval());
                }
            }
            case IDLE, CLOSED -> {
            }
        }
    }

    // ---- outputs -------------------------------------------------------------------------------------

    /** The next text frame to write, or null. */
    public String pollSend() {
        Unwritten next = transmit.poll();
        return next == null ? null : next.text();
    }

    public ChannelEvent pollEvent() {
        return events.poll();
    }

    /** The earliest instant {@link #handleTimeout} must be called, or null when nothing is scheduled. */
    public Instant pollTimeout() {
        return switch (state) {
            case WAITING -> retryAt;
            case CONNECTING -> connectDeadline;
            case JOINING, JOINED -> joinDeadline != null && joinDeadline.isBefore(nextHeartbeat) ? joinDeadline
                : nextHeartbeat;
            case IDLE, CLOSED -> null;
        };
    }

    // ---- internals -----------------------------------------------------------------------------------

    private boolean hasSocket() {
        return state == State.CONNECTING || state == State.JOINING || state == State.JOINED;
    }

    private void dial(Instant now) {
        state = State.CONNECTING;
        attempt++;
        retryAt = null;
        connectDeadline = now.plus(timings.connectTimeout());
        events.add(new ChannelEvent.OpenSocket(attempt));
    }

    private void sendJoin(Instant now) {
        state = State.JOINING;
        connectDeadline = null;
        joinRef = nextRef++;
        joinDeadline = now.plus(timings.joinTimeout());
        transmit.add(new Unwritten(FrameCodec.encode(PhoenixFrame.request(topic, PhoenixFrame.PHX_JOIN, joinPayload,
            joinRef), FrameFormat.V1_OBJECT), null));
    }

    private void joined() {
        state = State.JOINED;
        joinDeadline = null;
        everJoined = true;
        backoff = null;
        events.add(new ChannelEvent.Joined(topic));
        flushHeld();
    }

    private void flushHeld() {
        if (state != State.JOINED) {
            return;
        }
        Outgoing message;
        while ((message = held.poll()) != null) {
            transmit.add(new Unwritten(FrameCodec.encode(PhoenixFrame.request(topic, message.event(),
                message.payload(), nextRef++), FrameFormat.V1_OBJECT), message));
        }
    }

    /** A transient failure: close the socket if there is one and schedule the next attempt. */
    private void hiccup(String reason, Instant now, Duration retryAfter, boolean closeSocket) {
        lastError = reason;
        if (closeSocket && hasSocket()) {
            events.add(new ChannelEvent.CloseSocket(reason));
        }
        clearConnection();
        Duration delay = retryAfter;
        if (delay == null) {
            if (backoff == null) {
                backoff = (everJoined ? reconnectPolicy : timings.initialBackoff()).start();
            }
            var next = backoff.next(random);
            if (next.isEmpty()) {
                state = State.CLOSED;
                events.add(new ChannelEvent.Failed(new ChannelError.MaxRetriesReached(lastError)));
                return;
            }
            delay = next.get();
        }
        state = State.WAITING;
        retryAt = now.plus(delay);
        LOG.info("Portal connection hiccup ({}); retrying in {}", reason, delay);
        events.add(new ChannelEvent.Disconnected(reason, delay));
    }

    private void fail(ChannelError error, boolean closeSocket) {
        if (closeSocket && hasSocket()) {
            events.add(new ChannelEvent.CloseSocket(error.describe()));
        }
        state = State.CLOSED;
        clearConnection();
        events.add(new ChannelEvent.Failed(error));
    }

    private void clearConnection() {
        transmit.clear();
        held.clear();
        inflightHeartbeats.clear();
        joinDeadline = null;
        connectDeadline = null;
        nextHeartbeat = null;
        joinRef = -1;
    }
}
