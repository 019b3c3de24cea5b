package dev.flint.gui.diagnostics;

import dev.flint.ipc.ProbeResult;
import dev.flint.ipc.RelayView;
import dev.flint.ipc.ServiceMessage.DiagnosticsResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Flint's connectivity check, run in the GUI (unprivileged) with what the tunnel service tells it: the service
 * and its DNS control and stub; the portal with DNS, TCP, TLS and HTTP times and the HTTP status; the clock
 * against the portal's; each relay over UDP (STUN round trip per address family, and a TURN allocation with
 * the session's credentials); the NAT's mapping behaviour from two STUN endpoints; whether UDP is blocked; the
 * external addresses; and whether datagrams as large as tunnel packets reach a relay. With a resource, one
 * request to it through the tunnel and a verdict in words make it the self test.
 */
public final class ConnectivityCheck {

    /** The largest datagram the tunnel sends: 1280-byte packets, WireGuard over IPv6/UDP (80), TURN channel data (4). */
    public static final int TUNNEL_DATAGRAM = 1280 + 80 + 4;
    static final Duration CLOCK_SKEW_LIMIT = Duration.ofSeconds(60);

    /** One line of the report. */
    public record Step(String name, boolean ok, String sentence) {
    }

    /** What the check found, in order; {@code verdict} only for the self test. */
    public record Report(Instant at, List<Step> steps, Optional<String> verdict) {
        public boolean ok() {
            return steps.stream().allMatch(Step::ok);
        }

        /** The report as plain text, for the clipboard and the exported logs. */
        public String text() {
            StringBuilder b = new StringBuilder("Flint connectivity check, " + at + "\n\n");
            for (Step s : steps) {
                b.append(s.ok() ? "[ok]   " : "[FAIL] ").append(s.name()).append(": ").append(s.sentence()).append('\n');
            }
            verdict.ifPresent(v -> b.append("\nVerdict: ").append(v).append('\n'));
            return b.toString();
        }
    }

    /**
     * What the check is given.
     *
     * @param service      the service's answer to {@code run_diagnostics}, or empty with {@code serviceProblem}
     * @param resourceName the resource the self test asked the service to reach, if any
     */
    public record Inputs(URI authUrl, URI apiUrl, Optional<DiagnosticsResult> service, Optional<String> serviceProblem,
                         Optional<String> resourceName) {
    }

    private final Duration timeout;
    private final Clock clock;

    public ConnectivityCheck(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
    }

    public Report run(Inputs in) {
        List<Step> steps = new ArrayList<>();
        serviceSteps(in, steps);
        PortalTiming portal = portal("Portal", in.authUrl(), true, steps);
        portal("Portal API", in.apiUrl(), false, steps);
        portal.skew().ifPresent(skew -> steps.add(clockStep(skew)));
        List<RelayView> relays = in.service().map(DiagnosticsResult::relays).orElse(List.of());
        relaySteps(relays, portal.reachable(), steps);
        Optional<String> verdict = Optional.empty();
        if (in.resourceName().isPresent()) {
            Optional<ProbeResult> probe = in.service().map(DiagnosticsResult::resource).filter(p -> p != null);
            steps.add(probe.map(p -> new Step("Resource " + in.resourceName().get(), p.ok(), p.target() + ": "
                    + p.detail() + (p.micros() == null ? "" : " (" + micros(p.micros()) + ")")))
                    .orElseGet(() -> new Step("Resource " + in.resourceName().get(), false, "the tunnel service did not test it")));
            verdict = Optional.of(verdict(steps, in.resourceName().get()));
        }
        return new Report(clock.instant(), List.copyOf(steps), verdict);
    }

    // ------------------------------------------------------------------ the service and DNS

    private static void serviceSteps(Inputs in, List<Step> steps) {
        if (in.service().isEmpty()) {
            steps.add(new Step("Tunnel service", false, in.serviceProblem().orElse("Flint can't reach its tunnel service.")));
            return;
        }
        DiagnosticsResult d = in.service().get();
        steps.add(new Step("Tunnel service", true, "connected; tunnel interface " + d.tunnelInterface()
                + (d.tunnelMtu() == null ? " (no session)" : ", MTU " + d.tunnelMtu())));
        if (d.dnsServers().isEmpty()) {
            steps.add(new Step("DNS", true, "DNS control " + d.dnsControl() + "; not active (no session)"));
        } else {
            String servers = String.join(", ", d.dnsServers());
            ProbeResult stub = d.stub();
            if (stub == null) {
                steps.add(new Step("DNS", true, "DNS control " + d.dnsControl() + " points the system at " + servers));
            } else {
                steps.add(new Step("DNS", stub.ok(), "DNS control " + d.dnsControl() + " points the system at " + servers
                        + "; the stub " + (stub.ok() ? "answered " : "failed ") + stub.target() + ": " + stub.detail()
                        + (stub.micros() == null ? "" : " in " + micros(stub.micros()))));
            }
        }
    }

    // ------------------------------------------------------------------ the portal

    /** What the portal step learned: whether TCP worked, and the clock skew from its HTTP Date. */
    record PortalTiming(boolean reachable, Optional<Duration> skew) {
    }

    private PortalTiming portal(String name, URI url, boolean http, List<Step> steps) {
        if (url == null || url.getHost() == null) {
            steps.add(new Step(name, false, "no address is configured"));
            return new PortalTiming(false, Optional.empty());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https") || scheme.equals("wss");
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String host = url.getHost();
        List<String> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            steps.add(new Step(name, false, host + " can't be looked up; check your network connection and DNS"));
            return new PortalTiming(false, Optional.empty());
        }
        parts.add("DNS " + since(t0) + " (" + address.getHostAddress() + ")");
        try (Socket raw = new Socket()) {
            long t1 = System.nanoTime();
            raw.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            raw.setSoTimeout((int) timeout.toMillis());
            parts.add("TCP " + since(t1));
            Socket s = raw;
            if (tls) {
                long t2 = System.nanoTime();
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(raw, host, port, false);
                ssl.startHandshake();
                parts.add("TLS " + since(t2) + " (" + ssl.getSession().getProtocol() + ")");
                s = ssl;
            }
            Optional<Duration> skew = Optional.empty();
            boolean ok = true;
            if (http) {
                long t3 = System.nanoTime();
                Instant sent = clock.instant();
                OutputStream out = s.getOutputStream();
                String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + (url.getPort() > 0 ? ":" + port : "")
                        + "\r\nUser-Agent: flint-connectivity-check\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader reader = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String status = reader.readLine();
                Instant received = clock.instant();
                if (status == null || !status.startsWith("HTTP/")) {
                    steps.add(new Step(name, false, String.join(", ", parts) + "; it did not answer HTTP"));
                    return new PortalTiming(true, Optional.empty());
                }
                String code = status.split(" ").length > 1 ? status.split(" ")[1] : "?";
                for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                    if (line.regionMatches(true, 0, "Date:", 0, 5)) {
                        skew = skew(line.substring(5).strip(), sent, received);
                    }
                }
                parts.add("HTTP " + code + " in " + since(t3));
                ok = !code.startsWith("5");
            }
            steps.add(new Step(name, ok, url.getScheme() + "://" + host + ":" + port + ": " + String.join(", ", parts)));
            return new PortalTiming(true, skew);
        } catch (IOException e) {
            steps.add(new Step(name, false, host + ":" + port + " can't be reached after " + String.join(", ", parts)
                    + " (" + e.getMessage() + "); a firewall or proxy may be blocking it"));
            return new PortalTiming(false, Optional.empty());
        }
    }

    /** Portal clock minus ours, against the middle of the request (the Date header has whole seconds). */
    static Optional<Duration> skew(String date, Instant sent, Instant received) {
        try {
            Instant theirs = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Instant ours = sent.plus(Duration.between(sent, received).dividedBy(2));
            return Optional.of(Duration.between(ours, theirs));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static Step clockStep(Duration skew) {
        long s = Math.abs(skew.toSeconds());
        String where = skew.isNegative() ? "behind" : "ahead of";
        String sentence = s < 2 ? "this computer's clock agrees with the portal's (to the second)"
                : "the portal's clock is " + s + " s " + where + " this computer's";
        boolean ok = skew.abs().compareTo(CLOCK_SKEW_LIMIT) <= 0;
        return new Step("Clock", ok, ok ? sentence : sentence + "; time-limited relay credentials may be refused: set the clock right");
    }

    // ------------------------------------------------------------------ relays over UDP

    private void relaySteps(List<RelayView> relays, boolean portalReachable, List<Step> steps) {
        if (relays.isEmpty()) {
            steps.add(new Step("Relays", false, "the portal has given no relays (sign in and connect first)"));
            return;
        }
        Set<InetSocketAddress> external = new LinkedHashSet<>();
        List<InetSocketAddress> v4Mappings = new ArrayList<>();
        List<String> v4Servers = new ArrayList<>();
        boolean anyAnswer = false;
        InetSocketAddress largeProbeTarget = null;
        try (DatagramSocket socket = new DatagramSocket()) {
            StunClient stun = new StunClient(socket, timeout.dividedBy(4));
            for (RelayView relay : relays) {
                for (String text : relay.addresses()) {
                    InetSocketAddress server = parse(text);
                    if (server == null) {
                        steps.add(new Step("Relay " + text, false, "the address can't be read"));
                        continue;
                    }
                    String family = server.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4";
                    switch (stun.binding(server, 0)) {
                        case StunClient.Result.Answered(StunClient.Response r, Duration rtt) when r.mapped().isPresent() -> {
                            anyAnswer = true;
                            external.add(r.mapped().get());
                            if (server.getAddress() instanceof Inet4Address) {
                                v4Mappings.add(r.mapped().get());
                                v4Servers.add(text);
                                if (largeProbeTarget == null) {
                                    largeProbeTarget = server;
                                }
                            }
                            steps.add(new Step("Relay " + text, true, "STUN over UDP (" + family + ") answered in "
                                    + millis(rtt) + "; it sees this computer as " + StunClient.address(r.mapped().get())));
                        }
                        case StunClient.Result.Answered a -> steps.add(new Step("Relay " + text, false,
                                "answered STUN without an address (" + a.response().errorCode().map(c -> "error " + c).orElse("no error") + ")"));
                        case StunClient.Result.NoAnswer n -> steps.add(new Step("Relay " + text, false,
                                "STUN over UDP (" + family + "): " + n.why()));
                    }
                    steps.add(turnStep(stun, relay, server, text));
                }
            }
        } catch (IOException e) {
            steps.add(new Step("Relays", false, "no UDP socket could be opened: " + e.getMessage()));
            return;
        }
        steps.add(natStep(v4Servers, v4Mappings));
        steps.add(anyAnswer ? new Step("UDP", true, "UDP to the relays works")
                : new Step("UDP", false, portalReachable
                        ? "no relay answered over UDP while the portal answers over TCP: UDP looks blocked on this network"
                        : "no relay answered over UDP"));
        if (!external.isEmpty()) {
            steps.add(new Step("External addresses", true, String.join(", ", external.stream().map(StunClient::address).toList())));
        }
        steps.add(mtuStep(largeProbeTarget));
    }

    private static Step turnStep(StunClient stun, RelayView relay, InetSocketAddress server, String text) {
        return switch (stun.allocate(server, relay.username(), relay.password())) {
            case StunClient.Result.Answered(StunClient.Response r, Duration rtt) when r.success() ->
                    new Step("TURN " + text, true, "an allocation with the session's credentials succeeded"
                            + r.relayed().map(a -> " (relayed address " + StunClient.address(a) + ")").orElse("")
                            + " and was released again");
            case StunClient.Result.Answered(StunClient.Response r, Duration rtt) -> new Step("TURN " + text, false,
                    "the relay refused an allocation with the session's credentials: "
                            + r.errorCode().map(String::valueOf).orElse("?") + " " + r.errorReason().orElse("").strip());
            case StunClient.Result.NoAnswer n -> new Step("TURN " + text, false, n.why());
        };
    }

    /**
     * RFC 4787: the same local port mapped to the same external address for two servers means the mapping is
     * endpoint-independent (direct paths work); different ones mean it depends on the destination (symmetric NAT:
     * expect relayed paths).
     */
    static Step natStep(List<String> servers, List<InetSocketAddress> mappings) {
        if (mappings.size() < 2) {
            return new Step("NAT mapping", true, "not determined: it needs answers from two STUN servers over IPv4 and "
                    + (mappings.isEmpty() ? "none answered" : "only " + servers.getFirst() + " did"));
        }
        boolean same = mappings.stream().distinct().count() == 1;
        return same
                ? new Step("NAT mapping", true, "endpoint-independent: " + servers.get(0) + " and " + servers.get(1)
                        + " both see " + StunClient.address(mappings.get(0)) + ", so direct connections can work")
                : new Step("NAT mapping", true, "endpoint-dependent (symmetric): " + servers.get(0) + " sees "
                        + StunClient.address(mappings.get(0)) + " but " + servers.get(1) + " sees "
                        + StunClient.address(mappings.get(1)) + "; connections will mostly go through a relay");
    }

    private Step mtuStep(InetSocketAddress relay) {
        if (relay == null) {
            return new Step("Path MTU", false, "not tested: no relay answered over IPv4");
        }
        String link = interfaceMtu(relay).map(m -> "the interface towards the relay has MTU " + m + "; ").orElse("");
        try (DatagramSocket socket = new DatagramSocket()) {
            return switch (new StunClient(socket, timeout.dividedBy(4)).binding(relay, TUNNEL_DATAGRAM)) {
                case StunClient.Result.Answered a -> new Step("Path MTU", true, link + "a " + TUNNEL_DATAGRAM
                        + "-byte datagram (a full tunnel packet on the wire) reached the relay and was answered");
                case StunClient.Result.NoAnswer n -> new Step("Path MTU", false, link + "a " + TUNNEL_DATAGRAM
                        + "-byte datagram got no answer while small ones did: full-size tunnel packets may be dropped");
            };
        } catch (IOException e) {
            return new Step("Path MTU", false, "no UDP socket: " + e.getMessage());
        }
    }

    private static Optional<Integer> interfaceMtu(InetSocketAddress towards) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(towards);
            NetworkInterface nic = NetworkInterface.getByInetAddress(s.getLocalAddress());
            return nic == null ? Optional.empty() : Optional.of(nic.getMTU());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ verdict

    /** The self test's answer in one or two sentences: what works, or the first thing that does not. */
    static String verdict(List<Step> steps, String resource) {
        Optional<Step> failed = steps.stream().filter(s -> !s.ok()).findFirst();
        Step last = steps.getLast();
        if (failed.isEmpty()) {
            return "Flint works: the tunnel service, the portal and the relays answer, and " + resource
                    + " was reached through the tunnel.";
        }
        if (last.ok()) {
            return resource + " was reached through the tunnel, so Flint works; but " + failed.get().name() + " failed ("
                    + failed.get().sentence() + "), which may slow down or break other connections.";
        }
        String why = failed.get().sentence();
        return resource + " could not be reached through the tunnel. The first problem: " + failed.get().name() + ": "
                + why + (why.endsWith(".") ? "" : ".");
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static String since(long startNanos) {
        return millis(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static String micros(long micros) {
        return millis(Duration.ofNanos(micros * 1000));
    }

    static String millis(Duration d) {
        long micros = d.toNanos() / 1000;
        return micros < 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : Math.round(micros / 1000.0) + " ms";
    }
}
