package dev.flint.scenarios;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.devstack.gateway.GatewayMain;
import dev.flint.devstack.portal.ClientTokens;
import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.devstack.topology.AddressPlan;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import dev.flint.devstack.topology.Role;
import dev.flint.netns.Command;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.tunnel.FlintTunnel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The devstack a scenario runs on, every part a real process in its namespace, as {@code flint devstack up} and a
 * user's machine run them: the topology (NAT routers, coturn — two with {@code secondRelay} —, dnsmasq and the web
 * server in the resource network), the portal emulator (its config and address book in the run directory), the
 * devstack gateway, and the tunnel service in the client namespace ({@code run-interactive} driven by the GUI's
 * controller over IPC, or {@code headless} with a token file). Each process logs to its own file in the run
 * directory; {@link #close()} copies them to {@code target/scenario-logs/<tag>/} before removing everything.
 */
final class ScenarioStack implements AutoCloseable {
    static final URI API = URI.create("ws://" + AddressPlan.PORTAL.addressText() + ":" + AddressPlan.PORTAL_PORT);
    static final InetSocketAddress PORTAL_LISTEN = DemoTopology.PORTAL_LISTEN;
    static final Duration WAIT = RealTimeWait.GENEROUS;
    /** A level at the start of a log line: logback's console patterns of the service, the gateway and the portal. */
    static final Pattern WARN_OR_ERROR = Pattern.compile("^(?:\\d\\d:\\d\\d:\\d\\d\\.\\d{3} |\\S+T\\S+Z )?(WARN|ERROR)\\b");

    /** What to build: NAT types, IPv6 or not, one relay or two. {@code tag} names namespaces and the log directory. */
    record Options(String tag, NatType clientNat, NatType gatewayNat, boolean ipv6, boolean secondRelay) {
    }

    /** How the tunnel service is driven: the GUI's IPC (run-interactive) or without a GUI (headless, token file). */
    enum ServiceMode { IPC, HEADLESS }

    private final Options options;
    private final Path stateFile;
    private DevstackState state;
    private Path run;
    private String signingSecret;
    private PortalConfig config;
    private NamespaceProcess portal;
    private NamespaceProcess gateway;
    private NamespaceProcess service;
    private int serviceRuns;

    private ScenarioStack(Options options) {
        this.options = options;
        this.stateFile = Topology.RUN_ROOT.resolve(options.tag() + "-" + UUID.randomUUID() + ".state");
    }

    /** Skips the calling test unless root with iproute2, TUN, coturn, dnsmasq, nftables and curl. */
    static void assumeSupported() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v dnsmasq && command -v nft"
            + " && command -v curl && command -v conntrack").runAllowingFailure().ok(),
            "needs coturn, dnsmasq-base, nftables, curl and conntrack");
    }

    /** Builds the topology and starts the portal emulator and the gateway; the service is started by the scenario. */
    static ScenarioStack up(Options options) {
        ScenarioStack stack = new ScenarioStack(options);
        try {
            stack.start();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void start() {
        state = DemoTopology.up(new DemoTopology.Options(options.clientNat(), options.gatewayNat(), false,
                options.ipv6(), options.tag(), false, false, false, options.secondRelay()), stateFile,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        run = state.runDirectory();
        signingSecret = secret();
        String gatewayToken = secret();
        write(run.resolve(DemoTopology.GATEWAY_TOKEN), gatewayToken + "\n");
        write(run.resolve(DemoTopology.PORTAL_CONFIG), DemoTopology.portalConfig(state.relaySecret(), gatewayToken,
            signingSecret, options.secondRelay()));
        try {
            config = PortalConfigReader.read(run.resolve(DemoTopology.PORTAL_CONFIG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startPortal();
        startGateway();
    }

    // ---- the portal emulator ---------------------------------------------------------------------------------

    /** Starts the portal emulator (its config and address book from the run directory) and waits until it listens. */
    void startPortal() {
        NetworkNamespace ns = namespace(Role.PORTAL);
        portal = detached(ns, "portal", JavaCommand.forMain(PortalMain.class,
            List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            List.of("--config", run.resolve(DemoTopology.PORTAL_CONFIG).toString(),
                "--address-book", run.resolve(DemoTopology.PORTAL_ADDRESSES).toString(),
                "--grants", run.resolve(DemoTopology.PORTAL_GRANTS).toString(), "--watch-relays")));
        ns.awaitListening(NetworkNamespace.Transport.TCP, PORTAL_LISTEN, WAIT, portal);
    }

    /** {@code kill -9} of the portal emulator: its TCP connections die with it (the kernel resets them). */
    void killPortal() {
        kill(portal, "KILL");
    }

    /** Freezes the portal emulator (SIGSTOP): its connections stay open and silent, as a hung server's do. */
    void freezePortal() {
        signal(portal, "STOP");
    }

    void thawPortal() {
        signal(portal, "CONT");
    }

    /** Writes a new config (the emulator picks it up on its next start, or within a second while it runs). */
    void rewritePortalConfig(java.util.function.UnaryOperator<String> change) {
        Path file = run.resolve(DemoTopology.PORTAL_CONFIG);
        try {
            write(file, change.apply(Files.readString(file)));
            config = PortalConfigReader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String portalConfigText() {
        try {
            return Files.readString(run.resolve(DemoTopology.PORTAL_CONFIG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client token for {@code email} of account demo, signed as the sign-in page signs them, valid {@code for}. */
    String token(String email, Duration valid) {
        PortalConfig.Account account = config.account("demo").orElseThrow();
        PortalConfig.User user = account.userByEmail(email).orElseThrow(() -> new IllegalArgumentException(email));
        String nonce = "n" + UUID.randomUUID().toString().replace("-", "");
        return nonce + new ClientTokens(signingSecret).fragment(nonce,
            new ClientTokens.Claims(UUID.randomUUID(), account.id(), user.id(), Instant.now().plus(valid)));
    }

    // ---- the gateway -----------------------------------------------------------------------------------------

    /** Starts the gateway and waits until it says it joined the portal. */
    void startGateway() {
        int joinedBefore = count(log("gateway"), "Joined the portal");
        gateway = detached(namespace(Role.GATEWAY), "gateway", JavaCommand.forMain(GatewayMain.class,
            List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            List.of("--api-url", API.toString(), "--token-file", run.resolve(DemoTopology.GATEWAY_TOKEN).toString(),
                "--dns", AddressPlan.DNS.addressText())));
        awaitLog("gateway", "the gateway to join the portal", "Joined the portal", joinedBefore + 1);
    }

    /** Stops the gateway with {@code signal} (TERM: it says goodbye to its clients; KILL: it just vanishes). */
    void stopGateway(String signal) {
        kill(gateway, signal);
    }

    NamespaceProcess gateway() {
        return gateway;
    }

    // ---- the tunnel service -----------------------------------------------------------------------------------

    Path serviceDir() {
        return run.resolve("service");
    }

    /** The IPC socket of the service (run-interactive). */
    Path socket() {
        return serviceDir().resolve("run/tunnel.sock");
    }

    /** The flags naming the service's directories and DNS mode, shared by the service and {@code repair}. */
    List<String> serviceFlags() {
        Path dir = serviceDir();
        return List.of("--api-url", API.toString(), "--dns-control", "etc-resolv-conf",
            "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
            "--log-dir", dir.resolve("log").toString());
    }

    /**
     * Starts the tunnel service in the client namespace; with {@link ServiceMode#HEADLESS} it connects at once
     * with {@code token}, with {@link ServiceMode#IPC} it waits for a GUI.
     */
    NamespaceProcess startService(ServiceMode mode, String token) {
        List<String> args = new ArrayList<>();
        if (mode == ServiceMode.HEADLESS) {
            Path tokenFile = serviceDir().resolve("token");
            write(tokenFile, token);
            args.addAll(List.of("headless", "--token-file", tokenFile.toString()));
        } else {
            args.addAll(List.of("run-interactive", "--allow-any-peer-exe"));
        }
        args.addAll(serviceFlags());
        int listening = count(log("service"), "listening on");
        serviceRuns++;
        // The JVM's own defaults, not the launcher's memory flags (a 96 MB heap cap among them): the scenarios and the
        // soak watch behaviour and memory growth; the product path's memory with those flags is the benchmark's.
        service = detached(namespace(Role.CLIENT), "service", JavaCommand.forMain(FlintTunnel.class, List.of(), args));
        if (mode == ServiceMode.IPC) {
            awaitLog("service", "the service to listen on its socket", "listening on", listening + 1);
        }
        return service;
    }

    NamespaceProcess service() {
        return service;
    }

    /** Runs {@code flint-tunnel repair} with the service's flags in the client namespace, as systemd's ExecStopPost. */
    Command.Result repair() {
        List<String> args = new ArrayList<>(List.of("repair"));
        args.addAll(serviceFlags());
        return namespace(Role.CLIENT).command(JavaCommand.forMain(FlintTunnel.class, List.of(), args).toArray(String[]::new))
            .runAllowingFailure();
    }

    // ---- processes and logs ----------------------------------------------------------------------------------

    NetworkNamespace namespace(Role role) {
        return state.namespace(role);
    }

    DevstackState state() {
        return state;
    }

    Path runDirectory() {
        return run;
    }

    /** A process with its output appended to {@code <label>.log}, recorded so {@code down} stops it whatever happens. */
    NamespaceProcess detached(NetworkNamespace ns, String label, List<String> command) {
        NamespaceProcess process = ns.startDetached(label, command, run.resolve(label + ".log"));
        DemoTopology.recordProcess(stateFile, label, ns.name(), process.pid());
        return process;
    }

    static void signal(NamespaceProcess process, String signal) {
        Command.of("kill", "-" + signal, Long.toString(process.pid())).run();
    }

    /** Sends {@code signal} and waits until the process is gone. */
    static void kill(NamespaceProcess process, String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal(process, signal);
        RealTimeWait.until(process.label() + " to exit after SIG" + signal, WAIT, () -> !process.isAlive(),
            process::recentOutput);
    }

    /** Everything {@code label} wrote so far (all its runs). */
    String log(String label) {
        try {
            return Files.readString(run.resolve(label + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** Waits until {@code label}'s log holds {@code needle} at least {@code times} times. */
    void awaitLog(String label, String what, String needle, int times) {
        await(what, () -> count(log(label), needle) >= times, () -> tail(log(label)));
    }

    /** The lines of the logs of {@code labels} that carry a WARN or ERROR level. */
    List<String> warnings(String... labels) {
        List<String> found = new ArrayList<>();
        for (String label : labels) {
            log(label).lines().filter(l -> WARN_OR_ERROR.matcher(l).find()).map(l -> label + ": " + l)
                .forEach(found::add);
        }
        return found;
    }

    static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** A real-time wait for {@code what}; on failure it shows {@code seen}. */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> seen) {
        RealTimeWait.until(what, WAIT, condition, seen);
    }

    /** Resident memory of a process in MB (VmRSS), or -1 once it is gone. */
    static double rssMegabytes(NamespaceProcess process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            for (NamespaceProcess p : Stream.of(service, gateway, portal).filter(p -> p != null).toList()) {
                try {
                    signal(p, "CONT");
                } catch (RuntimeException gone) {
                    // not running
                }
                p.close();
            }
        } finally {
            try {
                keepLogs();
            } finally {
                if (state != null || Files.exists(stateFile)) {
                    DemoTopology.down(stateFile);
                }
            }
        }
    }

    /** The logs go to target/scenario-logs/<tag>/ for whoever reads a failure (the run directory is removed). */
    private void keepLogs() {
        if (run == null || !Files.isDirectory(run)) {
            return;
        }
        Path kept = Path.of("target", "scenario-logs", options.tag());
        try (Stream<Path> files = Files.walk(run)) {
            Files.createDirectories(kept);
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")
                || f.getFileName().toString().startsWith("portal")).toList()) {
                Files.copy(f, kept.resolve(run.relativize(f).toString().replace('/', '_')),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the scenario logs: " + e.getMessage());
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
