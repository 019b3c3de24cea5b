package dev.flint.gui.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.ipc.ProbeResult;
import dev.flint.ipc.RelayView;
import dev.flint.ipc.ServiceMessage.DiagnosticsResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check against real peers on loopback: two coturn relays with TURN REST credentials (as the devstack and
 * Firezone run them) and a tiny HTTP portal whose Date header is two minutes ahead.
 */
class ConnectivityCheckTest {
    static final String SECRET = "flint-test-secret";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    final List<Process> relays = new ArrayList<>();

    @AfterEach
    void stop() {
        relays.forEach(Process::destroyForcibly);
    }

    int coturn(String name) throws Exception {
        Assumptions.assumeTrue(PrivateSessionBus.onPath("turnserver"), "coturn is not installed");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder("turnserver", "-n", "--no-cli", "--no-tls", "--no-dtls",
                "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port=" + port,
                "--min-port=" + (40000 + relays.size() * 100), "--max-port=" + (40099 + relays.size() * 100),
                "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=flint.test", "--allow-loopback-peers",
                "--log-file=stdout", "--simple-log", "--pidfile=" + dir.resolve(name + ".pid"),
                "--userdb=" + dir.resolve(name + ".db"))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        relays.add(p);
        // Ready when it answers a Binding request (waiting for readiness, not measuring time).
        try (DatagramSocket s = new DatagramSocket()) {
            StunClient stun = new StunClient(s, Duration.ofMillis(200));
            for (int i = 0; i < 100; i++) {
                if (stun.binding(new InetSocketAddress("127.0.0.1", port), 0) instanceof StunClient.Result.Answered) {
                    return port;
                }
            }
        }
        throw new IOException("coturn did not start: " + Files.readString(dir.resolve(name + ".log")));
    }

    /** TURN REST credentials: username "expiry:user", password base64(HMAC-SHA1(secret, username)). */
    static RelayView relay(String secret, int... ports) throws Exception {
        String username = (Instant.now().getEpochSecond() + 3600) + ":flint";
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String password = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        List<String> addresses = java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList();
        return new RelayView(UUID.randomUUID(), addresses, username, password);
    }

    /** Answers every request with 200 and a Date header {@code ahead} of {@link #CLOCK}. */
    static ServerSocket portal(Duration ahead) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.getInputStream().read(new byte[4096]);
                    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(CLOCK).plus(ahead));
                    OutputStream out = c.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    static DiagnosticsResult service(List<RelayView> relays, ProbeResult resource) {
        return new DiagnosticsResult("etc-resolv-conf", List.of("100.100.111.1"),
                new ProbeResult("web.flint.test A @100.100.111.1", true, 800L, "100.96.0.1"), "tun-flint", 1280, relays,
                resource);
    }

    static Map<String, ConnectivityCheck.Step> byName(ConnectivityCheck.Report r) {
        Map<String, ConnectivityCheck.Step> m = new java.util.LinkedHashMap<>();
        r.steps().forEach(s -> m.put(s.name(), s));
        return m;
    }

    @Test
    void selfTestAgainstTwoRelaysAndAPortal() throws Exception {
        int a = coturn("a");
        int b = coturn("b");
        try (ServerSocket portal = portal(Duration.ofMinutes(2))) {
            URI url = URI.create("http://127.0.0.1:" + portal.getLocalPort() + "/");
            var report = new ConnectivityCheck(Duration.ofSeconds(4), CLOCK).run(new ConnectivityCheck.Inputs(url,
                    URI.create("ws://127.0.0.1:" + portal.getLocalPort() + "/"),
                    Optional.of(service(List.of(relay(SECRET, a, b)), new ProbeResult("tcp://web.flint.test:80", true,
                            12_000L, "connected to 100.96.0.1:80 through the tunnel"))), Optional.empty(), Optional.of("Web")));
            var steps = byName(report);
            assertThat(steps.get("Tunnel service").sentence()).isEqualTo("connected; tunnel interface tun-flint, MTU 1280");
            assertThat(steps.get("DNS").ok()).isTrue();
            assertThat(steps.get("DNS").sentence()).contains("etc-resolv-conf points the system at 100.100.111.1",
                    "answered web.flint.test A @100.100.111.1: 100.96.0.1 in 0.8 ms");
            assertThat(steps.get("Portal").ok()).isTrue();
            assertThat(steps.get("Portal").sentence()).contains("DNS ", "TCP ", "HTTP 200 in ");
            assertThat(steps.get("Clock").ok()).isFalse();
            assertThat(steps.get("Clock").sentence()).startsWith("the portal's clock is 120 s ahead of this computer's");
            assertThat(steps.get("Relay 127.0.0.1:" + a).ok()).isTrue();
            assertThat(steps.get("Relay 127.0.0.1:" + a).sentence()).contains("STUN over UDP (IPv4) answered in",
                    "it sees this computer as 127.0.0.1:");
            assertThat(steps.get("TURN 127.0.0.1:" + a).ok()).isTrue();
            assertThat(steps.get("TURN 127.0.0.1:" + a).sentence()).contains("relayed address 127.0.0.1:4");
            assertThat(steps.get("TURN 127.0.0.1:" + b).ok()).isTrue();
            // One local socket, two servers, no NAT on loopback: the same mapping both times.
            assertThat(steps.get("NAT mapping").sentence()).startsWith("endpoint-independent");
            assertThat(steps.get("UDP").ok()).isTrue();
            assertThat(steps.get("External addresses").sentence()).startsWith("127.0.0.1:");
            assertThat(steps.get("Path MTU").ok()).isTrue();
            assertThat(steps.get("Path MTU").sentence()).contains(ConnectivityCheck.TUNNEL_DATAGRAM + "-byte datagram");
            assertThat(steps.get("Resource Web").ok()).isTrue();
            assertThat(report.verdict()).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("Web was reached through the tunnel, so Flint works; but Clock failed"));
            assertThat(report.text()).contains("[FAIL] Clock", "[ok]   TURN 127.0.0.1:" + a, "Verdict: Web was reached");
        }
    }

    @Test
    void wrongCredentialsAndASilentRelayAreNamed() throws Exception {
        int a = coturn("a");
        int silent;
        try (DatagramSocket nobody = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = nobody.getLocalPort();
        }
        try (ServerSocket portal = portal(Duration.ZERO)) {
            URI url = URI.create("http://127.0.0.1:" + portal.getLocalPort() + "/");
            var report = new ConnectivityCheck(Duration.ofMillis(800), CLOCK).run(new ConnectivityCheck.Inputs(url, url,
                    Optional.of(service(List.of(relay("not-the-secret", a)), null)), Optional.empty(), Optional.empty()));
            var steps = byName(report);
            assertThat(steps.get("Clock").sentence()).isEqualTo("this computer's clock agrees with the portal's (to the second)");
            assertThat(steps.get("TURN 127.0.0.1:" + a).ok()).isFalse();
            assertThat(steps.get("TURN 127.0.0.1:" + a).sentence())
                    .startsWith("the relay refused an allocation with the session's credentials: 401");
            assertThat(steps.get("NAT mapping").sentence()).startsWith("not determined");
            assertThat(report.verdict()).isEmpty();

            var quiet = new ConnectivityCheck(Duration.ofMillis(800), CLOCK).run(new ConnectivityCheck.Inputs(url, url,
                    Optional.of(service(List.of(relay(SECRET, silent)), null)), Optional.empty(), Optional.empty()));
            assertThat(byName(quiet).get("UDP").sentence())
                    .isEqualTo("no relay answered over UDP while the portal answers over TCP: UDP looks blocked on this network");
        }
    }

    @Test
    void withoutTheServiceTheCheckSaysSoAndStillTestsThePortal() throws Exception {
        try (ServerSocket portal = portal(Duration.ZERO)) {
            URI url = URI.create("http://127.0.0.1:" + portal.getLocalPort() + "/");
            var report = new ConnectivityCheck(Duration.ofSeconds(2), CLOCK).run(new ConnectivityCheck.Inputs(url, url,
                    Optional.empty(), Optional.of("Flint can't reach its tunnel service."), Optional.of("Web")));
            var steps = byName(report);
            assertThat(steps.get("Tunnel service").ok()).isFalse();
            assertThat(steps.get("Portal").ok()).isTrue();
            assertThat(steps.get("Relays").sentence()).startsWith("the portal has given no relays");
            assertThat(report.verdict()).hasValueSatisfying(v -> assertThat(v)
                    .isEqualTo("Web could not be reached through the tunnel. The first problem: Tunnel service: "
                            + "Flint can't reach its tunnel service."));
        }
    }

    @Test
    void selfTestPrefersAnOnlineSingleHostResource() {
        var site = List.<dev.flint.ipc.Site>of();
        var wild = new dev.flint.ipc.ResourceView.Dns(UUID.randomUUID(), "*.corp", "All", null, site, dev.flint.ipc.ResourceStatus.ONLINE);
        var idle = new dev.flint.ipc.ResourceView.Dns(UUID.randomUUID(), "wiki.corp", "Wiki", null, site, dev.flint.ipc.ResourceStatus.UNKNOWN);
        var used = new dev.flint.ipc.ResourceView.Cidr(UUID.randomUUID(), "10.0.0.5/32", "Host", null, site, dev.flint.ipc.ResourceStatus.ONLINE);
        var net = new dev.flint.ipc.ResourceView.Cidr(UUID.randomUUID(), "10.0.0.0/24", "Net", null, site, dev.flint.ipc.ResourceStatus.ONLINE);
        assertThat(SelfTest.pickResource(List.of(wild, idle, net, used))).contains(used);
        assertThat(SelfTest.pickResource(List.of(wild, idle, net))).contains(idle);
        assertThat(SelfTest.pickResource(List.of(wild, net))).isEmpty();
    }

    @Test
    void skewIsMeasuredFromTheMiddleOfTheRequest() {
        Instant sent = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(ConnectivityCheck.skew("Sun, 01 Mar 2026 12:00:31 GMT", sent, sent.plusSeconds(2)))
                .contains(Duration.ofSeconds(30));
        assertThat(ConnectivityCheck.skew("yesterday", sent, sent)).isEmpty();
    }
}
