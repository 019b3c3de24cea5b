package dev.flint.devstack.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ClientChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Firezone-style peer for tests: connlib's {@link ClientChannel} (V1 framing, as Flint's and Firezone's clients
 * and gateways speak it) driven over a {@link TestWebSocket}, on the test's own thread.
 */
final class PhoenixPeer implements AutoCloseable {

    /** An application push the peer received. */
    record Push(String event, JsonNode payload) {
    }

    final ClientChannel channel;
    final List<ChannelEvent> lifecycle = new ArrayList<>();
    private final List<Push> inbox = new ArrayList<>();
    private final TestWebSocket socket;

    private PhoenixPeer(ClientChannel channel, TestWebSocket socket) {
        this.channel = channel;
        this.socket = socket;
    }

    static PhoenixPeer connect(EventLoopGroup group, URI uri, String topic, String token, String userAgent)
        throws Exception {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("X-Authorization", "Bearer " + token);
        headers.set("User-Agent", userAgent);
        ClientChannel channel = new ClientChannel(topic, NullNode.getInstance(), BackoffPolicy.RECONNECT_DEFAULT,
            new Random(1));
        channel.connect(Instant.now());
        TestWebSocket socket = TestWebSocket.connect(group, uri, headers);
        PhoenixPeer peer = new PhoenixPeer(channel, socket);
        channel.handleSocketOpened(Instant.now());
        peer.flush();
        return peer;
    }

    void send(String event, JsonNode payload) {
        channel.send(event, payload);
        flush();
    }

    /** Waits for the next push named {@code event}, skipping (and keeping) others; fails after the timeout. */
    JsonNode await(String event, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (int i = 0; i < inbox.size(); i++) {
                if (inbox.get(i).event().equals(event)) {
                    return inbox.remove(i).payload();
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + event + "' within " + timeout + "; got " + inbox + " " + lifecycle);
            }
            String text = socket.poll(Duration.ofMillis(100));
            if (text != null) {
                channel.handleMessage(text, Instant.now());
            }
            channel.handleTimeout(Instant.now());
            flush();
        }
    }

    /** Pushes received so far and not awaited. */
    List<Push> inbox() {
        return List.copyOf(inbox);
    }

    private void flush() {
        String out;
        while ((out = channel.pollSend()) != null) {
            socket.send(out);
        }
        ChannelEvent event;
        while ((event = channel.pollEvent()) != null) {
            if (event instanceof ChannelEvent.Inbound in) {
                inbox.add(new Push(in.event(), in.payload()));
            } else {
                lifecycle.add(event);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
