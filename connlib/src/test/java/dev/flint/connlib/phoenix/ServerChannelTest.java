package dev.flint.connlib.phoenix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerChannelTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<String> sent(ServerChannel s) {
        List<String> out = new ArrayList<>();
        String f;
        while ((f = s.pollSend()) != null) {
            out.add(f);
        }
        return out;
    }

    private static List<ServerEvent> events(ServerChannel s) {
        List<ServerEvent> out = new ArrayList<>();
        ServerEvent e;
        while ((e = s.pollEvent()) != null) {
            out.add(e);
        }
        return out;
    }

    private ServerChannel v1() {
        return new ServerChannel(FrameFormat.V1_OBJECT, Set.of("client")::contains, ServerChannel.PORTAL_IDLE_TIMEOUT, t0);
    }

    @Test
    void acceptsTheJoinWithAnEmptyOkAndReportsIt() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}", t0);
        assertThat(sent(s)).containsExactly(
            "{\"topic\":\"client\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":0}");
        assertThat(events(s)).containsExactly(new ServerEvent.Joined("client", NullNode.getInstance()));
        assertThat(s.push("client", "init", NODES.objectNode())).isTrue();
        assertThat(sent(s)).containsExactly("{\"topic\":\"client\",\"event\":\"init\",\"payload\":{},\"ref\":null}");
    }

    @Test
    void answersHeartbeatsEchoingTheRefType() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":3}", t0);
        s.handleMessage("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"4\"}", t0);
        assertThat(sent(s)).containsExactly(
            "{\"topic\":\"phoenix\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":3}",
            "{\"topic\":\"phoenix\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":\"4\"}");
    }

    @Test
    void unknownTopicsAndMessagesBeforeTheJoinGetUnmatchedTopic() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"relay\",\"event\":\"phx_join\",\"payload\":{},\"ref\":0}", t0);
        s.handleMessage("{\"topic\":\"client\",\"event\":\"no_relays\",\"payload\":{},\"ref\":1}", t0);
        String unmatched = "\"payload\":{\"status\":\"error\",\"response\":{\"reason\":\"unmatched topic\"}}";
        assertThat(sent(s)).containsExactly(
            "{\"topic\":\"relay\",\"event\":\"phx_reply\"," + unmatched + ",\"ref\":0}",
            "{\"topic\":\"client\",\"event\":\"phx_reply\"," + unmatched + ",\"ref\":1}");
        assertThat(events(s)).isEmpty();
        assertThat(s.push("client", "init", NODES.objectNode())).isFalse();
    }

    @Test
    void routesEventsAndRepliesOnRequest() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}", t0);
        sent(s);
        events(s);
        s.handleMessage("{\"topic\":\"client\",\"event\":\"bogus\",\"payload\":{\"a\":1},\"ref\":5}", t0);
        ServerEvent.Received r = (ServerEvent.Received) events(s).getFirst();
        assertThat(r.event()).isEqualTo("bogus");
        s.replyError(r.topic(), r.ref(), "unknown_message");
        assertThat(sent(s)).containsExactly("{\"topic\":\"client\",\"event\":\"phx_reply\",\"payload\":{\"status\":"
            + "\"error\",\"response\":{\"reason\":\"unknown_message\"}},\"ref\":5}");
    }

    @Test
    void closeCrashAndDisconnectPushesEndTheTopic() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}", t0);
        sent(s);
        s.disconnect("client", "token_expired");
        assertThat(sent(s)).containsExactly(
            "{\"topic\":\"client\",\"event\":\"disconnect\",\"payload\":{\"reason\":\"token_expired\"},\"ref\":null}");
        assertThat(s.joinedTopics()).isEmpty();
        s.handleMessage("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}", t0);
        sent(s);
        s.closeTopic("client");
        assertThat(sent(s)).containsExactly("{\"topic\":\"client\",\"event\":\"phx_close\",\"payload\":{},\"ref\":null}");
        s.handleMessage("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}", t0);
        sent(s);
        s.crashTopic("client");
        assertThat(sent(s)).containsExactly("{\"topic\":\"client\",\"event\":\"phx_error\",\"payload\":{},\"ref\":null}");
    }

    @Test
    void closesTheSocketAfterThirtySevenSecondsOfSilence() {
        ServerChannel s = v1();
        s.handleMessage("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":0}", t0.plusSeconds(10));
        assertThat(s.pollTimeout()).isEqualTo(t0.plusSeconds(47));
        s.handleTimeout(t0.plusSeconds(46));
        assertThat(events(s)).isEmpty();
        s.handleTimeout(t0.plusSeconds(47));
        assertThat(events(s)).containsExactly(new ServerEvent.CloseSocket("idle timeout"));
        assertThat(s.pollTimeout()).isNull();
    }

    @Test
    void speaksV2ArraysToThePhoenixJsClient() {
        ServerChannel s = new ServerChannel(FrameFormat.V2_ARRAY, "room:lobby"::equals, Duration.ofSeconds(60), t0);
        s.handleMessage("[\"3\",\"3\",\"room:lobby\",\"phx_join\",{\"token\":\"x\"}]", t0);
        assertThat(sent(s)).containsExactly("[\"3\",\"3\",\"room:lobby\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
        s.handleMessage("[null,\"4\",\"phoenix\",\"heartbeat\",{}]", t0);
        assertThat(sent(s)).containsExactly("[null,\"4\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
        s.push("room:lobby", "shout", NODES.objectNode().put("body", "hi"));
        assertThat(sent(s)).containsExactly("[\"3\",null,\"room:lobby\",\"shout\",{\"body\":\"hi\"}]");
        s.handleMessage("[\"3\",\"5\",\"room:lobby\",\"shout\",{}]", t0);
        ServerEvent.Received r = (ServerEvent.Received) events(s).get(1);
        s.reply(r.topic(), r.ref(), true, NODES.objectNode().put("ok", 1));
        assertThat(sent(s)).containsExactly("[\"3\",\"5\",\"room:lobby\",\"phx_reply\",{\"status\":\"ok\",\"response\":{\"ok\":1}}]");
        s.handleMessage("[\"3\",\"6\",\"room:lobby\",\"phx_leave\",{}]", t0);
        assertThat(sent(s)).containsExactly("[\"3\",\"6\",\"room:lobby\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]",
            "[null,null,\"room:lobby\",\"phx_close\",{}]");
        assertThat(events(s)).containsExactly(new ServerEvent.Left("room:lobby"));
    }

    @Test
    void malformedInputIsCountedNotThrown() {
        ServerChannel s = v1();
        s.handleMessage("{{{", t0);
        s.handleMessage("[1]", t0);
        assertThat(s.malformedFrames()).isEqualTo(2);
        assertThat(sent(s)).isEmpty();
    }

    /** The client and server state machines against each other for ten minutes of virtual time. */
    @Test
    void clientAndServerStayConnectedOverTenMinutes() {
        ClientChannel client = new ClientChannel("client", NullNode.getInstance(), BackoffPolicy.RECONNECT_UNLIMITED,
            () -> 0L);
        Instant now = t0;
        client.connect(now);
        assertThat(client.pollEvent()).isInstanceOf(ChannelEvent.OpenSocket.class);
        ServerChannel server = v1();
        client.handleSocketOpened(now);
        int joins = 0;
        int heartbeatsAnswered = 0;
        Instant end = t0.plus(Duration.ofMinutes(10));
        while (now.isBefore(end)) {
            String f;
            while ((f = client.pollSend()) != null) {
                server.handleMessage(f, now);
            }
            ServerEvent se;
            while ((se = server.pollEvent()) != null) {
                if (se instanceof ServerEvent.Joined) {
                    server.push("client", "init", NODES.objectNode());
                }
                assertThat(se).isNotInstanceOf(ServerEvent.CloseSocket.class);
            }
            while ((f = server.pollSend()) != null) {
                heartbeatsAnswered += f.contains("\"topic\":\"phoenix\"") ? 1 : 0;
                client.handleMessage(f, now);
            }
            ChannelEvent ce;
            while ((ce = client.pollEvent()) != null) {
                assertThat(ce).isInstanceOfAny(ChannelEvent.Joined.class, ChannelEvent.Inbound.class);
                joins += ce instanceof ChannelEvent.Joined ? 1 : 0;
            }
            Instant next = client.pollTimeout();
            Instant serverNext = server.pollTimeout();
            now = next.isBefore(serverNext) ? next : serverNext;
            client.handleTimeout(now);
            server.handleTimeout(now);
        }
        assertThat(joins).isEqualTo(1);
        assertThat(heartbeatsAnswered).isBetween(59, 60);
        assertThat(client.isJoined()).isTrue();
    }
}
