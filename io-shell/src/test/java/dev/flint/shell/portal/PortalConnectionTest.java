package dev.flint.shell.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ChannelTimings;
import dev.flint.connlib.phoenix.ClientChannel;
import dev.flint.netns.RealTimeWait;
import dev.flint.shell.portal.PortalTestServer.Behaviour;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell against a loopback Netty portal, plain and TLS: refusals, drops, stalls and the sign-in rule. */
class PortalConnectionTest {

    /** Fast clocks so real-socket scenarios finish quickly; the Firezone values are tested on virtual time. */
    private static final ChannelTimings FAST = new ChannelTimings(Duration.ofMillis(200), Duration.ofSeconds(10),
        Duration.ofSeconds(10), new BackoffPolicy(Duration.ofMillis(50), 1.0, Duration.ofMillis(50), false,
        Duration.ofSeconds(60)));
    private static final BackoffPolicy FAST_RECONNECT =
        new BackoffPolicy(Duration.ofMillis(50), 1.0, Duration.ofMillis(50), false, null);
    private static final String DEVICE_ID = "4f0b3c1e-8a2d-4c5b-9e7f-0a1b2c3d4e5f";
    private static final String PUBLIC_KEY = "uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY=";
    private static final String UA = "Debian/13 gui-client/1.5.17 (x86_64; 6.12.0) flint/0.1.0";
    private static final Duration WAIT = RealTimeWait.GENEROUS;

    @TempDir
    static Path tmp;
    private static EventLoopGroup group;
    private static SslContext serverTls;
    private static SslContext clientTrust;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final BlockingQueue<ChannelEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger resolutions = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Path keystore = tmp.resolve("portal.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "portal", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
            "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SslContextBuilder.forServer(kmf).build();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        clientTrust = SslContextBuilder.forClient().trustManager(tmf).build();
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private PortalTestServer server(SslContext tls, int port) throws InterruptedException {
        PortalTestServer server = new PortalTestServer(group, tls, port);
        closeables.add(server);
        return server;
    }

    private PortalConnection client(String scheme, String host, int port, SslContext trust, String token) {
        return client(scheme, host, port, trust, token, List.of(InetAddress.getLoopbackAddress()));
    }

    private PortalConnection client(String scheme, String host, int port, SslContext trust, String token,
                                    List<InetAddress> addresses) {
        return client(scheme, host, port, trust, token, addresses, FAST);
    }

    private PortalConnection client(String scheme, String host, int port, SslContext trust, String token,
                                    List<InetAddress> addresses, ChannelTimings timings) {
        URI url = PortalUrl.build(URI.create(scheme + "://" + host + ":" + port + "/"), PortalUrl.Mode.CLIENT,
            new DeviceIdentity(DEVICE_ID, "laptop 42", PUBLIC_KEY));
        ClientChannel channel = new ClientChannel("client", NullNode.getInstance(), FAST_RECONNECT, () -> 0L, timings);
        HostResolver loopback = h -> {
            resolutions.incrementAndGet();
            return addresses;
        };
        PortalConnection connection = new PortalConnection(url, token, UA, channel, trust, loopback, group,
            Clock.systemUTC(), events::add);
        closeables.add(connection);
        connection.start();
        return connection;
    }

    private PortalConnection client(PortalTestServer server) {
        return client("ws", "127.0.0.1", server.port(), null, "token");
    }

    /** Waits for the next event of the given type, skipping others. */
    private <T extends ChannelEvent> T await(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ChannelEvent> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            ChannelEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            if (e != null) {
                skipped.add(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " event within " + WAIT.toSeconds() + " s; saw " + skipped);
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.substring(uri.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    private static Behaviour.Respond problem(int status, String code, Map<String, String> headers) {
        return new Behaviour.Respond(status, "application/problem+json; charset=utf-8",
            "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":" + status + ",\"detail\":\"d " + code
                + "\",\"code\":\"" + code + "\"}", headers);
    }

    // ---- joining -------------------------------------------------------------------------------------

    @Test
    void joinsOverPlainWebSocketWithFirezoneUrlAndHeaders() throws Exception {
        PortalTestServer server = server(null, 0);
        client("ws", "127.0.0.1", server.port(), null, " n.SFMy\r\nNTY.abc \t");
        assertThat(await(ChannelEvent.Joined.class).topic()).isEqualTo("client");
        ChannelEvent.Inbound init = await(ChannelEvent.Inbound.class);
        assertThat(init.event()).isEqualTo("init");
        assertThat(init.payload().get("hello").asText()).isEqualTo("flint");

        PortalTestServer.Request request = server.requests.take();
        assertThat(request.uri()).startsWith("/client/v2/websocket?external_id=");
        assertThat(request.uri()).endsWith("&public_key=uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY%3D");
        assertThat(query(request.uri())).containsExactly(
            Map.entry("external_id", PortalUrl.externalId(DEVICE_ID)),
            Map.entry("name", "laptop 42"),
            Map.entry("public_key", PUBLIC_KEY));
        assertThat(PortalUrl.externalId(DEVICE_ID)).hasSize(64).matches("[0-9a-f]+");
        assertThat(request.headers().get("X-Authorization")).isEqualTo("Bearer n.SFMyNTY.abc");
        assertThat(request.headers().get("User-Agent")).isEqualTo(UA);
        assertThat(request.headers().contains("Origin")).isFalse();
        assertThat(request.headers().get("Sec-WebSocket-Protocol")).isNull();
        assertThat(request.headers().get("Sec-WebSocket-Extensions")).isNull();

        assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
            .isEqualTo("{\"topic\":\"client\",\"event\":\"phx_join\",\"payload\":null,\"ref\":0}");
        assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(
            "{\"topic\":\"client\",\"event\":\"set_snownet_capabilities\",\"payload\":{\"iceless\":false},\"ref\":1}");
    }

    @Test
    void joinsOverTlsWithATrustedCertificate() throws Exception {
        PortalTestServer server = server(serverTls, 0);
        PortalConnection connection = client("wss", "localhost", server.port(), clientTrust, "token");
        await(ChannelEvent.Joined.class);
        assertThat(connection.attempts().get()).isEqualTo(1);
        assertThat(await(ChannelEvent.Inbound.class).event()).isEqualTo("init");
        assertThat(server.requests.take().uri()).startsWith("/client/v2/websocket?");
    }

    @Test
    void anUntrustedCertificateIsAHiccupNotAJoin() throws Exception {
        PortalTestServer server = server(serverTls, 0);
        client("wss", "localhost", server.port(), null, "token"); // the JDK's trust store does not know it
        ChannelEvent.Disconnected first = await(ChannelEvent.Disconnected.class);
        assertThat(first.reason()).contains("handshake");
        await(ChannelEvent.Disconnected.class);
        assertThat(events).noneMatch(e -> e instanceof ChannelEvent.Joined);
        assertThat(server.requests).isEmpty();
    }

    // ---- the sign-in rule ----------------------------------------------------------------------------

    private ChannelEvent.Failed failureFor(Behaviour.Respond response) throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(response);
        client(server);
        ChannelEvent.Failed failed = await(ChannelEvent.Failed.class);
        assertThat(server.requests).hasSize(1); // fatal: not retried
        return failed;
    }

    @Test
    void unauthorizedWithInvalidTokenRequiresSignIn() throws Exception {
        assertThat(failureFor(problem(401, "invalid_token", Map.of())).error().requiresSignIn()).isTrue();
    }

    @Test
    void unauthorizedWithMissingTokenRequiresSignIn() throws Exception {
        assertThat(failureFor(problem(401, "missing_token", Map.of())).error().requiresSignIn()).isTrue();
    }

    @Test
    void otherUnauthorizedIsFatalButKeepsTheToken() throws Exception {
        ChannelEvent.Failed failed = failureFor(problem(401, "unauthenticated", Map.of()));
        assertThat(failed.error().requiresSignIn()).isFalse();
        assertThat(failed.error().describe()).contains("d unauthenticated");
    }

    @Test
    void unauthorizedWithoutProblemBodyKeepsTheToken() throws Exception {
        ChannelEvent.Failed failed = failureFor(new Behaviour.Respond(401, "text/html", "<h1>401</h1>", Map.of()));
        assertThat(failed.error().requiresSignIn()).isFalse();
    }

    @Test
    void tokenExpiredPushRequiresSignIn() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Serve(true, PortalTestServer.AfterJoin.EXPIRE_TOKEN));
        client(server);
        await(ChannelEvent.Joined.class);
        assertThat(await(ChannelEvent.Failed.class).error().requiresSignIn()).isTrue();
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void theListenerMayCloseTheConnectionFromTheEventLoop() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Serve(true, PortalTestServer.AfterJoin.DROP_TCP));
        URI url = PortalUrl.build(URI.create("ws://127.0.0.1:" + server.port()), PortalUrl.Mode.CLIENT,
            new DeviceIdentity(DEVICE_ID, "n", PUBLIC_KEY));
        PortalConnection[] self = new PortalConnection[1];
        self[0] = new PortalConnection(url, "t", UA,
            new ClientChannel("client", NullNode.getInstance(), FAST_RECONNECT, () -> 0L, FAST), null,
            h -> List.of(InetAddress.getLoopbackAddress()), group, Clock.systemUTC(), e -> {
                events.add(e);
                if (e instanceof ChannelEvent.Disconnected) {
                    self[0].close();
                }
            });
        closeables.add(self[0]);
        self[0].start();
        await(ChannelEvent.Joined.class);
        await(ChannelEvent.Disconnected.class);
        Thread.sleep(300); // give a wrongly scheduled redial the chance to show up
        assertThat(self[0].attempts().get()).isEqualTo(1);
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void closingStopsReconnecting() throws Exception {
        PortalTestServer server = server(null, 0);
        PortalConnection connection = client(server);
        await(ChannelEvent.Joined.class);
        connection.close();
        assertThat(connection.attempts().get()).isEqualTo(1);
        assertThat(events).noneMatch(e -> e instanceof ChannelEvent.Failed || e instanceof ChannelEvent.Disconnected);
    }

    // ---- transient failures --------------------------------------------------------------------------

    @Test
    void forbiddenIsRetriedUntilAccepted() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(problem(403, "account_disabled", Map.of()), problem(403, "account_disabled", Map.of()));
        client(server);
        assertThat(await(ChannelEvent.Disconnected.class).reason()).isEqualTo("HTTP 403 account_disabled");
        assertThat(await(ChannelEvent.Disconnected.class).reason()).isEqualTo("HTTP 403 account_disabled");
        await(ChannelEvent.Joined.class);
        assertThat(server.requests).hasSize(3);
        assertThat(events).noneMatch(e -> e instanceof ChannelEvent.Failed);
    }

    @Test
    void rateLimitHonoursRetryAfter() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(problem(503, "rate_limit", Map.of("Retry-After", "1")));
        client(server);
        ChannelEvent.Disconnected d = await(ChannelEvent.Disconnected.class);
        assertThat(d.reason()).isEqualTo("HTTP 503 rate_limit");
        assertThat(d.retryIn()).isEqualTo(Duration.ofSeconds(1));
        await(ChannelEvent.Joined.class);
    }

    /** A captive portal's 429 with a long Retry-After: "connect now" dials at once instead of waiting it out. */
    @Test
    void connectNowSkipsALongRetryAfter() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Respond(429, "text/html", "<html>log in to the Wi-Fi</html>",
            Map.of("Retry-After", "3600")));
        PortalConnection connection = client(server);
        ChannelEvent.Disconnected d = await(ChannelEvent.Disconnected.class);
        assertThat(d.reason()).isEqualTo("HTTP 429");
        assertThat(d.retryIn()).isEqualTo(Duration.ofHours(1));
        assertThat(connection.connectNow().get(5, TimeUnit.SECONDS)).isTrue();
        await(ChannelEvent.Joined.class);
        assertThat(server.requests).hasSize(2);
        assertThat(connection.connectNow().get(5, TimeUnit.SECONDS)).isFalse(); // joined: nothing to skip
        assertThat(events).noneMatch(e -> e instanceof ChannelEvent.Failed);
    }

    @Test
    void survivesAServerThatDropsAndReResolvesTheHost() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Serve(true, PortalTestServer.AfterJoin.DROP_TCP), new Behaviour.Serve(true, PortalTestServer.AfterJoin.DROP_TCP));
        PortalConnection connection = client(server);
        await(ChannelEvent.Joined.class);
        await(ChannelEvent.Disconnected.class);
        await(ChannelEvent.Joined.class);
        await(ChannelEvent.Disconnected.class);
        await(ChannelEvent.Joined.class);
        int dials = connection.attempts().get();
        assertThat(dials).isGreaterThanOrEqualTo(3);
        assertThat(resolutions.get()).isEqualTo(dials);
    }

    @Test
    void triesAllAddressesAndTheOneThatAnswersWins() throws Exception {
        PortalTestServer server = server(null, 0); // listens on 127.0.0.1 only
        PortalConnection connection = client("ws", "portal.test", server.port(), null, "token",
            List.of(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.2"), InetAddress.getLoopbackAddress()));
        await(ChannelEvent.Joined.class);
        assertThat(connection.attempts().get()).isEqualTo(1);
        assertThat(server.requests.take().headers().get("Host")).startsWith("portal.test");
    }

    @Test
    void answersACloseFrameAndReconnects() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Serve(true, PortalTestServer.AfterJoin.CLOSE_FRAME));
        client(server);
        await(ChannelEvent.Joined.class);
        assertThat(await(ChannelEvent.Disconnected.class).reason()).isEqualTo("portal sent close frame 1001 going away");
        assertThat(server.closeFrames.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1001);
        await(ChannelEvent.Joined.class);
    }

    @Test
    void abandonsAnUpgradeThatIsNeverAnswered() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Hang());
        ChannelTimings shortHandshake = new ChannelTimings(FAST.heartbeatInterval(), FAST.joinTimeout(),
            Duration.ofSeconds(2), FAST.initialBackoff());
        client("ws", "127.0.0.1", server.port(), null, "token", List.of(InetAddress.getLoopbackAddress()),
            shortHandshake);
        assertThat(await(ChannelEvent.Disconnected.class).reason()).isEqualTo("connection to portal timed out");
        await(ChannelEvent.Joined.class);
        assertThat(server.requests.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void survivesAServerThatRefusesUntilItComesUp() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort();
        }
        client("ws", "127.0.0.1", port, null, "token");
        assertThat(await(ChannelEvent.Disconnected.class).reason()).startsWith("failed to connect socket");
        await(ChannelEvent.Disconnected.class);
        server(null, port);
        await(ChannelEvent.Joined.class);
    }

    @Test
    void reconnectsWhenTheServerStopsAnsweringHeartbeats() throws Exception {
        PortalTestServer server = server(null, 0);
        server.script(new Behaviour.Serve(false, PortalTestServer.AfterJoin.NOTHING));
        client(server);
        await(ChannelEvent.Joined.class);
        assertThat(await(ChannelEvent.Disconnected.class).reason()).isEqualTo("too many heartbeats were unanswered");
        await(ChannelEvent.Joined.class);
        long heartbeats = server.received.stream().filter(f -> f.contains("\"event\":\"heartbeat\"")).count();
        assertThat(heartbeats).isGreaterThanOrEqualTo(3);
    }
}
