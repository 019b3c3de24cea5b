package dev.flint.connlib.phoenix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenarios for the client channel on virtual time. */
class ClientChannelTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final RandomGenerator NO_JITTER = () -> 0L;
    private static final String JOIN_0 = "{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}";
    private static final String JOIN_OK_0 =
        "{\"topic\":\"client\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":0}";

    private Instant now;
    private ClientChannel channel;

    @BeforeEach
    void setUp() {
        now = Instant.parse("2026-01-01T00:00:00Z");
        channel = new ClientChannel("client", NullNode.getInstance(), BackoffPolicy.RECONNECT_UNLIMITED, NO_JITTER);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private void advance(Duration d) {
        Instant target = now.plus(d);
        Instant t;
        while ((t = channel.pollTimeout()) != null && !t.isAfter(target)) {
            now = t.isAfter(now) ? t : now;
            channel.handleTimeout(now);
        }
        now = target;
    }

    private List<String> sent() {
        List<String> out = new ArrayList<>();
        String s;
        while ((s = channel.pollSend()) != null) {
            out.add(s);
        }
        return out;
    }

    private List<ChannelEvent> events() {
        List<ChannelEvent> out = new ArrayList<>();
        ChannelEvent e;
        while ((e = channel.pollEvent()) != null) {
            out.add(e);
        }
        return out;
    }

    private static String reply(String topic, long ref, String status, String response) {
        return "{\"topic\":\"" + topic + "\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"" + status
            + "\",\"response\":" + response + "},\"ref\":" + ref + "}";
    }

    private void joinFresh() {
        channel.connect(now);
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(1));
        channel.handleSocketOpened(now);
        assertThat(sent()).containsExactly(JOIN_0);
        channel.handleMessage(JOIN_OK_0, now);
        assertThat(events()).containsExactly(new ChannelEvent.Joined("client"));
    }

    // ---- join ----------------------------------------------------------------------------------------

    @Test
    void joinsWithNullPayloadAndHoldsMessagesUntilTheReply() {
        channel.connect(now);
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(1));
        assertThat(channel.send("no_relays", NODES.objectNode())).isEqualTo(ClientChannel.SendResult.NOT_CONNECTED);

        channel.handleSocketOpened(now);
        assertThat(channel.send("set_snownet_capabilities", NODES.objectNode().put("iceless", false)))
            .isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(channel.send("set_snownet_capabilities", NODES.objectNode().put("iceless", false)))
            .isEqualTo(ClientChannel.SendResult.DUPLICATE);
        assertThat(sent()).containsExactly(JOIN_0);

        channel.handleMessage(JOIN_OK_0, now);
        assertThat(events()).containsExactly(new ChannelEvent.Joined("client"));
        assertThat(sent()).containsExactly(
            "{\"topic\":\"client\",\"event\":\"set_snownet_capabilities\",\"payload\":{\"iceless\":false},\"ref\":1}");
        assertThat(channel.isJoined()).isTrue();
    }

    @Test
    void pushesOnTheTopicAreDeliveredAndForeignTopicsIgnored() {
        joinFresh();
        channel.handleMessage("{\"topic\":\"client\",\"event\":\"init\",\"payload\":{\"a\":1},\"ref\":null}", now);
        channel.handleMessage("{\"topic\":\"other\",\"event\":\"init\",\"payload\":{},\"ref\":null}", now);
        List<ChannelEvent> events = events();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).isInstanceOfSatisfying(ChannelEvent.Inbound.class, in -> {
            assertThat(in.event()).isEqualTo("init");
            assertThat(in.payload().get("a").asInt()).isEqualTo(1);
        });
    }

    @Test
    void joinReplyWithContentIsNotUnderstoodAndTheJoinTimesOut() {
        channel.connect(now);
        events();
        channel.handleSocketOpened(now);
        sent();
        channel.handleMessage(reply("client", 0, "ok", "{\"x\":1}"), now);
        assertThat(events()).isEmpty();
        advance(Duration.ofMillis(4999));
        assertThat(events()).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(events()).containsExactly(new ChannelEvent.CloseSocket("room join timed out"),
            new ChannelEvent.Disconnected("room join timed out", Duration.ofSeconds(1)));
        advance(Duration.ofSeconds(1));
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(2));
    }

    @Test
    void joinErrorIsFatalButNotASignOut() {
        channel.connect(now);
        events();
        channel.handleSocketOpened(now);
        channel.handleMessage(reply("client", 0, "error", "{\"reason\":\"invalid_version\"}"), now);
        List<ChannelEvent> events = events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(ChannelEvent.CloseSocket.class);
        ChannelError error = ((ChannelEvent.Failed) events.get(1)).error();
        assertThat(error).isEqualTo(new ChannelError.LoginFailed("invalid_version"));
        assertThat(error.requiresSignIn()).isFalse();
        assertThat(channel.isClosed()).isTrue();
        assertThat(channel.pollTimeout()).isNull();
    }

    // ---- heartbeats ----------------------------------------------------------------------------------

    @Test
    void heartbeatEveryTenSecondsFromSocketOpenAndAcksKeepItAlive() {
        joinFresh();
        advance(Duration.ofMillis(9999));
        assertThat(sent()).isEmpty();
        for (int i = 0; i < 30; i++) {
            advance(Duration.ofSeconds(10).minusMillis(i == 0 ? 9999 : 0));
            List<String> frames = sent();
            assertThat(frames).hasSize(1);
            long ref = i + 1;
            assertThat(frames.getFirst())
                .isEqualTo("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":" + ref + "}");
            channel.handleMessage(reply("phoenix", ref, "ok", "{}"), now);
        }
        assertThat(events()).isEmpty();
        assertThat(channel.isJoined()).isTrue();
    }

    @Test
    void aJoinReplyWithNullResponseIsAnOkJoin() {
        channel.connect(now);
        channel.handleSocketOpened(now);
        sent();
        channel.handleMessage(reply("client", 0, "ok", "null"), now);
        assertThat(events()).contains(new ChannelEvent.Joined("client"));
    }

    @Test
    void heartbeatsKeepTheirTenSecondRhythmWhileARejoinIsPending() {
        joinFresh();
        advance(Duration.ofSeconds(8));
        channel.handleMessage(reply("client", 7, "error", "{\"reason\":\"unmatched topic\"}"), now);
        assertThat(sent()).containsExactly("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":1}");
        advance(Duration.ofSeconds(2));
        assertThat(sent()).containsExactly("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":2}");
        channel.handleMessage(reply("client", 1, "ok", "{}"), now);
        assertThat(events()).containsExactly(new ChannelEvent.Joined("client"));
    }

    @Test
    void threeUnansweredHeartbeatsReconnectAtTheFourthTick() {
        joinFresh();
        advance(Duration.ofSeconds(30));
        assertThat(sent()).hasSize(3);
        assertThat(events()).isEmpty();
        advance(Duration.ofMillis(9999));
        assertThat(events()).isEmpty();
        advance(Duration.ofMillis(1));
        String why = "too many heartbeats were unanswered";
        assertThat(events()).containsExactly(new ChannelEvent.CloseSocket(why),
            new ChannelEvent.Disconnected(why, Duration.ofMillis(500)));
        assertThat(sent()).isEmpty();
        assertThat(channel.send("no_relays", NODES.objectNode())).isEqualTo(ClientChannel.SendResult.NOT_CONNECTED);

        advance(Duration.ofMillis(500));
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(2));
        channel.handleSocketOpened(now);
        assertThat(sent()).containsExactly(JOIN_0); // refs restart at 0 on every connection
        channel.handleMessage(JOIN_OK_0, now);
        assertThat(events()).containsExactly(new ChannelEvent.Joined("client"));
    }

    @Test
    void oneAnsweredHeartbeatResetsTheCount() {
        joinFresh();
        advance(Duration.ofSeconds(30));
        List<String> beats = sent();
        assertThat(beats).hasSize(3);
        channel.handleMessage(reply("phoenix", 3, "ok", "{}"), now); // only the latest answered
        advance(Duration.ofSeconds(10));
        assertThat(events()).isEmpty();
        assertThat(sent()).hasSize(1);
    }

    // ---- replies and control pushes ------------------------------------------------------------------

    @Test
    void unmatchedTopicRejoinsAndHoldsMessagesUntilJoinedAgain() {
        joinFresh();
        channel.send("no_relays", NODES.objectNode());
        assertThat(sent()).containsExactly("{\"topic\":\"client\",\"event\":\"no_relays\",\"payload\":{},\"ref\":1}");
        channel.handleMessage(reply("client", 1, "error", "{\"reason\":\"unmatched topic\"}"), now);
        assertThat(sent()).containsExactly("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":2}");
        assertThat(channel.isJoined()).isFalse();
        channel.send("request_authorization", NODES.objectNode().put("resource_id", "x"));
        assertThat(sent()).isEmpty();
        channel.handleMessage(reply("client", 2, "ok", "{}"), now);
        assertThat(events()).containsExactly(new ChannelEvent.Joined("client"));
        assertThat(sent()).containsExactly(
            "{\"topic\":\"client\",\"event\":\"request_authorization\",\"payload\":{\"resource_id\":\"x\"},\"ref\":3}");
    }

    @Test
    void otherRepliesPhxErrorUnknownDisconnectsAndGarbageAreIgnored() {
        joinFresh();
        channel.handleMessage(reply("client", 1, "error", "{\"reason\":\"unknown_message\"}"), now);
        channel.handleMessage(reply("client", 9, "ok", "{\"resource_id\":\"x\"}"), now);
        channel.handleMessage("{\"topic\":\"client\",\"event\":\"phx_error\",\"payload\":{},\"ref\":null}", now);
        channel.handleMessage(
            "{\"topic\":\"client\",\"event\":\"disconnect\",\"payload\":{\"reason\":\"certificate_revoked\"},\"ref\":null}", now);
        channel.handleMessage("not json at all", now);
        channel.handleMessage("[1,2]", now);
        assertThat(events()).isEmpty();
        assertThat(sent()).isEmpty();
        assertThat(channel.isJoined()).isTrue();
    }

    @Test
    void truncatedJsonReconnects() {
        joinFresh();
        channel.handleMessage("{\"topic\":\"client\",\"ev", now);
        List<ChannelEvent> events = events();
        assertThat(events.getFirst()).isInstanceOf(ChannelEvent.CloseSocket.class);
        assertThat(events.get(1)).isInstanceOf(ChannelEvent.Disconnected.class);
    }

    @Test
    void phxCloseReconnectsWithBackoff() {
        joinFresh();
        channel.handleMessage("{\"topic\":\"client\",\"event\":\"phx_close\",\"payload\":{},\"ref\":null}", now);
        assertThat(events()).containsExactly(new ChannelEvent.CloseSocket("portal closed the channel"),
            new ChannelEvent.Disconnected("portal closed the channel", Duration.ofMillis(500)));
    }

    @Test
    void tokenExpiredIsFatalAndRequiresSignIn() {
        joinFresh();
        channel.handleMessage(
            "{\"topic\":\"client\",\"event\":\"disconnect\",\"payload\":{\"reason\":\"token_expired\"},\"ref\":null}", now);
        List<ChannelEvent> events = events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(ChannelEvent.CloseSocket.class);
        ChannelError error = ((ChannelEvent.Failed) events.get(1)).error();
        assertThat(error.requiresSignIn()).isTrue();
        assertThat(channel.isClosed()).isTrue();
    }

    @Test
    void serverCloseFrameReconnectsAndLaterBackoffGrows() {
        joinFresh();
        channel.handleSocketClosed("close frame 1000", now);
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("close frame 1000", Duration.ofMillis(500)));
        advance(Duration.ofMillis(500));
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(2));
        channel.handleConnectFailed(new ConnectFailure.Transport("connection refused"), now);
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("connection refused", Duration.ofMillis(750)));
        advance(Duration.ofMillis(750));
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(3));
        channel.handleSocketOpened(now);
        channel.handleMessage(JOIN_OK_0, now);
        events();
        channel.handleSocketClosed("eof", now);
        // a successful join resets the backoff
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("eof", Duration.ofMillis(500)));
    }

    // ---- connect failures ----------------------------------------------------------------------------

    private ChannelError failWith(ConnectFailure failure) {
        setUp();
        channel.connect(now);
        events();
        channel.handleConnectFailed(failure, now);
        List<ChannelEvent> events = events();
        assertThat(events).hasSize(1);
        return events.getFirst() instanceof ChannelEvent.Failed f ? f.error() : null;
    }

    private static ProblemDetails problem(int status, String code) {
        return new ProblemDetails("about:blank", "x", status, "detail " + code, code);
    }

    @Test
    void onlyInvalidOrMissingTokenOn401RequiresSignIn() {
        assertThat(failWith(new ConnectFailure.HttpRejected(401, problem(401, "invalid_token"), null)).requiresSignIn())
            .isTrue();
        assertThat(failWith(new ConnectFailure.HttpRejected(401, problem(401, "missing_token"), null)).requiresSignIn())
            .isTrue();
        ChannelError other = failWith(new ConnectFailure.HttpRejected(401, problem(401, "something_else"), null));
        assertThat(other).isEqualTo(new ChannelError.AuthenticationFailed("detail something_else"));
        assertThat(other.requiresSignIn()).isFalse();
        ChannelError bare = failWith(new ConnectFailure.HttpRejected(401, null, null));
        assertThat(bare).isEqualTo(new ChannelError.AuthenticationFailed("no reason provided"));
        assertThat(bare.requiresSignIn()).isFalse();
        assertThat(failWith(new ConnectFailure.HttpRejected(403, problem(403, "account_disabled"), null))).isNull();
        assertThat(failWith(new ConnectFailure.HttpRejected(402, problem(402, "limits_exceeded"), null))).isNull();
        assertThat(failWith(new ConnectFailure.HttpRejected(409, problem(409, "gateway_already_connected"), null)))
            .isNull();
        assertThat(failWith(new ConnectFailure.HttpRejected(500, null, null))).isNull();
    }

    @Test
    void retryAfterOverridesTheBackoffWithoutSpendingTheBudget() {
        channel.connect(now);
        events();
        for (int i = 0; i < 40; i++) { // far beyond the 15 s initial budget
            channel.handleConnectFailed(new ConnectFailure.HttpRejected(503, problem(503, "rate_limit"),
                Duration.ofSeconds(1)), now);
            assertThat(events()).containsExactly(new ChannelEvent.Disconnected("HTTP 503 rate_limit",
                Duration.ofSeconds(1)));
            advance(Duration.ofSeconds(1));
            assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(i + 2));
        }
        channel.handleConnectFailed(new ConnectFailure.HttpRejected(503, null, Duration.ofSeconds(7)), now);
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("HTTP 503", Duration.ofSeconds(7)));
        advance(Duration.ofMillis(6999));
        assertThat(events()).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(events()).hasSize(1);
    }

    @Test
    void beforeTheFirstJoinRetriesEverySecondForFifteenSecondsThenGivesUp() {
        channel.connect(now);
        events();
        for (int i = 0; i < 15; i++) {
            channel.handleConnectFailed(new ConnectFailure.Transport("refused"), now);
            assertThat(events()).containsExactly(new ChannelEvent.Disconnected("refused", Duration.ofSeconds(1)));
            advance(Duration.ofSeconds(1));
            events();
        }
        channel.handleConnectFailed(new ConnectFailure.Transport("refused"), now);
        assertThat(events()).containsExactly(new ChannelEvent.Failed(new ChannelError.MaxRetriesReached("refused")));
        assertThat(channel.isClosed()).isTrue();
    }

    @Test
    void aHangingHandshakeTimesOutAfterFifteenSeconds() {
        channel.connect(now);
        events();
        advance(Duration.ofSeconds(15));
        assertThat(events()).containsExactly(new ChannelEvent.CloseSocket("connect timed out"),
            new ChannelEvent.Disconnected("connection to portal timed out", Duration.ofSeconds(1)));
        channel.handleSocketOpened(now); // late callback of the abandoned attempt
        assertThat(sent()).isEmpty();
    }

    @Test
    void closeByOwnerStopsEverything() {
        joinFresh();
        channel.close(now);
        assertThat(events()).containsExactly(new ChannelEvent.CloseSocket("closed by owner"));
        assertThat(channel.pollTimeout()).isNull();
        channel.handleMessage(JOIN_OK_0, now);
        channel.handleSocketClosed("eof", now);
        assertThat(events()).isEmpty();
    }

    // ---- Firezone conformance (issue 17) -------------------------------------------------------------

    /** connlib Error::from_unauthorized: a 401 whose body is empty (no problem details) says "no reason provided". */
    @Test
    void firezone401WithEmptyBodyReportsNoReasonProvided() {
        assertThat(failWith(new ConnectFailure.HttpRejected(401, ProblemDetails.parse("application/problem+json", ""),
            null))).isEqualTo(new ChannelError.AuthenticationFailed("no reason provided"));
        assertThat(failWith(new ConnectFailure.HttpRejected(401, new ProblemDetails(null, null, 401, null, null),
            null))).isEqualTo(new ChannelError.AuthenticationFailed("no reason provided"));
    }

    /** connlib PhoenixChannel::send refuses an exact duplicate of any message still waiting to be written. */
    @Test
    void firezoneDropsAQueuedDuplicateWhileJoinedToo() {
        joinFresh();
        var payload = NODES.objectNode().put("resource_id", "r1");
        assertThat(channel.send("request_authorization", payload)).isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(channel.send("request_authorization", payload.deepCopy()))
            .isEqualTo(ClientChannel.SendResult.DUPLICATE);
        assertThat(channel.send("request_authorization", NODES.objectNode().put("resource_id", "r2")))
            .isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(sent()).containsExactly(
            "{\"topic\":\"client\",\"event\":\"request_authorization\",\"payload\":{\"resource_id\":\"r1\"},\"ref\":1}",
            "{\"topic\":\"client\",\"event\":\"request_authorization\",\"payload\":{\"resource_id\":\"r2\"},\"ref\":2}");
        // once written, the same message may be sent again
        assertThat(channel.send("request_authorization", payload)).isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(sent()).hasSize(1);
    }

    /** connlib's PhoenixMessage with a content-less variant: no payload key, order topic, event, payload, ref. */
    @Test
    void firezoneWritesNoPayloadKeyForAMessageWithoutOne() {
        joinFresh();
        assertThat(channel.send("no_payload_event", null)).isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(channel.send("null_payload_event", NullNode.getInstance())).isEqualTo(ClientChannel.SendResult.QUEUED);
        assertThat(sent()).containsExactly(
            "{\"topic\":\"client\",\"event\":\"no_payload_event\",\"ref\":1}",
            "{\"topic\":\"client\",\"event\":\"null_payload_event\",\"payload\":null,\"ref\":2}");
    }

    /** Firezone retries everything but 401 (a captive portal's 200/302 page or a 429 must not sign out). */
    @Test
    void firezoneRetriesEveryStatusButFourOhOneAnd429HonoursRetryAfter() {
        for (int status : new int[] {200, 302, 400, 402, 403, 404, 409, 429, 500, 502, 503}) {
            assertThat(failWith(new ConnectFailure.HttpRejected(status, null, null))).as("HTTP %d", status).isNull();
        }
        setUp();
        channel.connect(now);
        events();
        channel.handleConnectFailed(new ConnectFailure.HttpRejected(429, null, Duration.ofSeconds(30)), now);
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("HTTP 429", Duration.ofSeconds(30)));
        advance(Duration.ofSeconds(29));
        assertThat(events()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(2));
    }

    /** The user's "connect now" skips the remaining back-off delay and restarts the back-off. */
    @Test
    void connectNowSkipsTheBackoffAndResetsIt() {
        joinFresh();
        channel.handleSocketClosed("eof", now);
        events();
        for (int i = 0; i < 6; i++) { // grow the back-off
            advance(Duration.between(now, channel.pollTimeout()));
            events();
            channel.handleConnectFailed(new ConnectFailure.Transport("unreachable"), now);
        }
        List<ChannelEvent> last = events();
        assertThat(((ChannelEvent.Disconnected) last.getLast()).retryIn()).isGreaterThan(Duration.ofSeconds(5));
        assertThat(channel.connectNow(now)).isTrue();
        assertThat(events()).containsExactly(new ChannelEvent.OpenSocket(8));
        assertThat(channel.connectNow(now)).isFalse(); // already dialling
        channel.handleConnectFailed(new ConnectFailure.Transport("unreachable"), now);
        assertThat(events()).containsExactly(new ChannelEvent.Disconnected("unreachable", Duration.ofMillis(500)));
    }
}
