package dev.flint.devstack.bench;

import dev.flint.devstack.bench.PathResult.Kind;
import dev.flint.netns.Created;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import dev.flint.devstack.portal.ClientTokens;
import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.topology.AddressPlan;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import dev.flint.devstack.topology.Role;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flint bench}: the product path measured on the devstack in one command. Topology A (both NATs "none",
 * resources routed from the internet) carries, one after the other, the bare path without a tunnel, a wireguard-go
 * pair between the client and gateway namespaces, and Flint (the tunnel service headless in the client namespace,
 * the devstack gateway in the gateway namespace, each its own process, started as users and the devstack start
 * them). Topology B (both NATs symmetric) forces Flint through coturn. Each path gets iperf3 TCP both ways after
 * a warm-up, TCP retransmits, ping, and CPU and memory of the processes that carry it; Flint also a cold run (the
 * first 5 s after its first ping through the tunnel) and the service's memory at sign-in and idle. Everything it
 * creates is removed at the end, on failure and on Ctrl-C.
 */
public final class ProductPathBench {

    static final String USAGE = """
        Usage: flint bench [--seconds N] [--quick]

        iperf3 TCP both ways, TCP retransmits, ping, CPU and memory of the product path on the devstack (tunnel
        service -> devstack gateway -> resource), next to a wireguard-go pair between the same namespaces and the
        bare topology without a tunnel; direct (--nat none) and relayed through coturn (--nat symmetric).

          --seconds N   length of each measured iperf3 run (default 10; the warm-up before is 10 s each way)
          --quick       short warm-ups and runs: checks that everything works, measures nothing worth keeping
          --matrix      instead: the NAT matrix, one devstack per pair of NAT behaviours, each row's final path and
                        connection set-up time (the first packet's round trip, which brings the connection up)
        """;

    private static final String TAG = "fbn";
    /**
     * How long the service sits idle before its idle RSS is read: past the 30 s of quiet after which it compacts its
     * heap, so the figure is what an idle signed-in service holds, not what the last run left.
     */
    private static final int IDLE_SECONDS = 40;
    private static final String IPERF = AddressPlan.IPERF.addressText();
    private static final String TUN = "tun-flint";
    private static final String API_URL = "ws://" + DemoTopology.PORTAL_LISTEN.getHostString() + ":"
        + DemoTopology.PORTAL_LISTEN.getPort();
    private static final int COLD_SECONDS = 5;
    private static final Duration SIGN_IN = Duration.ofSeconds(120);
    private static final Duration FIRST_PING = Duration.ofSeconds(60);
    /** iperf3's errors for a test that never started (its control connection refused or reset). */
    private static final Pattern NOT_STARTED = Pattern.compile("unable to (receive|send) control message"
        + "|the server is busy|unable to connect");
    private static final Pattern GATEWAY_PATH = Pattern.compile("Client \\S+ (?:now )?connected (via (relay|direct path)"
        + "[^\\n]*?)\\.?$", Pattern.MULTILINE);

    /** How long each part runs. */
    record Settings(int seconds, int warmupSeconds, int pingCount, int idleSeconds, boolean quick) {
        static Settings of(Integer seconds, boolean quick) {
            return quick ? new Settings(seconds == null ? 3 : seconds, 2, 5, 3, true)
                : new Settings(seconds == null ? 10 : seconds, 10, 20, IDLE_SECONDS, false);
        }
    }

    /** A failure said as a sentence; the bench prints it and carries on with the next path. */
    static final class Failed extends RuntimeException {
        Failed(String sentence) {
            super(sentence);
        }
    }

    /** The two ends of every iperf3 run and ping: the client namespace and the resource network's. */
    private record Ends(NetworkNamespace client, NetworkNamespace resources) {
        static Ends of(DevstackState state) {
            return new Ends(state.namespace(Role.CLIENT), state.namespace(Role.RESOURCES));
        }
    }

    /** One topology that is up: its state file, and what the bench started beside it. */
    private record Stack(String name, Path stateFile, DevstackState state) {
    }

    private final Settings settings;
    private final Path launcher;
    private final Path keptLogs;
    private final PrintStream out;
    private final long ticksPerSecond;
    private final List<String> prefixes = new ArrayList<>();
    /** What to undo on the way out, newest first. */
    private final Deque<Runnable> cleanup = new ArrayDeque<>();
    private final Object downLock = new Object();
    private volatile boolean stopping;
    private volatile Thread hook;

    ProductPathBench(Settings settings, Path launcher, Path keptLogs, PrintStream out) {
        this.settings = settings;
        this.launcher = launcher;
        this.keptLogs = keptLogs;
        this.out = out;
        this.ticksPerSecond = clockTicks();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        Integer seconds = null;
        boolean quick = false;
        boolean matrix = false;
        String launcher = System.getenv("FLINT_LAUNCHER");
        try {
            while (!rest.isEmpty()) {
                String option = rest.removeFirst();
                switch (option) {
                    case "--seconds" -> {
                        String value = rest.isEmpty() ? "" : rest.removeFirst();
                        try {
                            seconds = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seconds needs a whole number of seconds, not '"
                                + value + "'");
                        }
                        if (seconds < 1 || seconds > 600) {
                            throw new IllegalArgumentException("--seconds must be between 1 and 600");
                        }
                    }
                    case "--quick" -> quick = true;
                    case "--matrix" -> matrix = true;
                    case "--launcher" -> launcher = rest.isEmpty() ? null : rest.removeFirst();
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("flint bench: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        if (!Topology.isSupported()) {
            System.err.println("flint bench: the benchmark builds network namespaces, TUN devices and WireGuard "
                + "interfaces, so it must run as root: sudo ./flint bench");
            return 1;
        }
        if (launcher == null) {
            System.err.println("flint bench: run it as ./flint bench (it starts the tunnel service through the "
                + "./flint launcher, named by FLINT_LAUNCHER)");
            return 2;
        }
        Path logs = Path.of(System.getenv().getOrDefault("FLINT_BENCH_DIR", "flint-bench"), "logs");
        ProductPathBench bench = new ProductPathBench(Settings.of(seconds, quick), Path.of(launcher).toAbsolutePath(),
            logs.toAbsolutePath(), System.out);
        return matrix ? bench.measureMatrix() : bench.measure();
    }

    /** Ctrl-C from here on removes everything the bench created; the last run's logs go. */
    private void start() {
        hook = new Thread(() -> {
            stopping = true;
            sayAnyway("");
            sayAnyway("flint bench: interrupted; removing everything it created");
            cleanUp(true);
        }, "bench-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        forgetOldLogs();
    }

    /** Removes everything the bench created, and with it the need for the Ctrl-C hook. */
    private void finish() {
        cleanUp(false);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C right now: the hook finds nothing left to do.
        }
    }

    /** Runs every topology and path, prints the summary, removes everything; returns the exit code. */
    int measure() {
        start();

        String loadBefore = loadAverage();
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
            .format(Instant.now());
        say("flint bench" + (settings.quick() ? " --quick (a functional check: short runs, numbers not worth keeping)"
            : ""));
        say(machine());
        say("load average " + loadBefore);
        if (firstLoad(loadBefore) > 1.0) {
            say("WARNING: the machine is busy (load average above 1.0); numbers will be low.");
        }
        say("each path: " + settings.warmupSeconds() + " s warm-up each way (not measured), then iperf3 TCP "
            + settings.seconds() + " s up (client -> resource) and " + settings.seconds() + " s down (-R), ping -c "
            + settings.pingCount() + " -i 0.2; Flint also cold: iperf3 " + COLD_SECONDS
            + " s started right after its first ping through the tunnel");
        requireTools();

        List<PathResult> results = new ArrayList<>();
        try {
            topologyA(results);
            if (!stopping) {
                topologyB(results);
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                say("flint bench: stopped: " + sentence(e));
            }
        }
        if (stopping) {
            return 130;
        }
        say("");
        finish();

        String settingsLine = "iperf3 TCP to " + IPERF + " from the client namespace; " + settings.seconds()
            + " s per direction after " + settings.warmupSeconds() + " s warm-up each way; cold = the first "
            + COLD_SECONDS + " s after the first ping through the tunnel; ping -c " + settings.pingCount()
            + " -i 0.2; CPU in % of one core, RSS peak during the run" + (settings.quick() ? "; --quick" : "");
        say("");
        say(Report.markdown(new Report.Header(when, machine(), loadBefore, loadAverage(), settingsLine), results));
        List<String> failed = results.stream().filter(r -> r.failure != null)
            .map(r -> r.topology + " " + r.path + ": " + r.failure).toList();
        if (results.size() < 4 || !failed.isEmpty()) {
            say("flint bench: not every path was measured" + (failed.isEmpty() ? "." : ": " + String.join("; ", failed)));
            return 1;
        }
        return 0;
    }

    // --- topologies ----------------------------------------------------------------------------------------------

    private void topologyA(List<PathResult> results) {
        String name = "A direct";
        say("");
        say("Topology A: devstack up --nat none --route-resources (both sites unNATed, the resource network routed "
            + "from the internet, so the bare path and both tunnels share one topology)");
        Stack stack;
        try {
            stack = up(name, new DemoTopology.Options(NatType.NONE, NatType.NONE, true, true, TAG, true));
        } catch (RuntimeException e) {
            for (String path : List.of("bare (no tunnel)", "wireguard-go pair", "Flint")) {
                PathResult failed = new PathResult(name, path, Map.of());
                failed.failure = "topology A did not come up: " + sentence(e);
                results.add(failed);
            }
            say("   FAILED: topology A did not come up: " + sentence(e));
            return;
        }
        results.add(path(name, "bare (no tunnel)", Map.of(), r -> bare(stack, r)));
        results.add(path(name, "wireguard-go pair", Map.of(PathResult.CLIENT, "wireguard-go (client)",
            PathResult.GATEWAY, "wireguard-go (gateway)"), r -> wireGuardGo(stack, r)));
        results.add(path(name, "Flint", Map.of(PathResult.CLIENT, "tunnel service", PathResult.GATEWAY, "gateway"),
            r -> flint(stack, r, false)));
        if (!stopping) {
            down(stack);
        }
    }

    private void topologyB(List<PathResult> results) {
        String name = "B relayed";
        say("");
        say("Topology B: devstack up --nat symmetric (both sites behind symmetric NATs: Flint goes through coturn)");
        Stack stack;
        try {
            stack = up(name, new DemoTopology.Options(NatType.SYMMETRIC, NatType.SYMMETRIC, false, true, TAG, true));
        } catch (RuntimeException e) {
            PathResult failed = new PathResult(name, "Flint", Map.of());
            failed.failure = "topology B did not come up: " + sentence(e);
            results.add(failed);
            say("   FAILED: topology B did not come up: " + sentence(e));
            return;
        }
        results.add(path(name, "Flint", Map.of(PathResult.CLIENT, "tunnel service", PathResult.GATEWAY, "gateway",
            PathResult.RELAY, "coturn"), r -> flint(stack, r, true)));
        if (!stopping) {
            down(stack);
        }
    }

    private Stack up(String name, DemoTopology.Options options) {
        Path stateFile = Topology.RUN_ROOT.resolve("bench-" + UUID.randomUUID() + ".state");
        long start = System.nanoTime();
        say("   bringing the devstack up (namespaces, NAT routers, coturn, resources, portal emulator, gateway)...");
        DevstackState state = DemoTopology.up(options, stateFile, new PrintStream(PrintStream.nullOutputStream()));
        Stack stack = new Stack(name, stateFile, state);
        prefixes.add(state.prefix().value());
        synchronized (cleanup) {
            cleanup.push(() -> down(stack));
        }
        say("   up in " + seconds(start) + " s: namespaces " + state.prefix() + "-*; gateway pid "
            + pid(state, DemoTopology.GATEWAY_PROCESS) + ", coturn pid " + pid(state, DemoTopology.COTURN));
        return stack;
    }

    /** Takes a topology down (and whatever was recorded beside it), keeping its logs first; safe to repeat. */
    private void down(Stack stack) {
        // Ctrl-C: the hook and the main thread (whose path just failed) may both get here.
        synchronized (downLock) {
            if (DevstackState.load(stack.stateFile()).isEmpty()) {
                return;
            }
            keepLogs(stack);
            DemoTopology.down(stack.stateFile());
        }
        sayAnyway("   " + stack.name() + ": devstack " + stack.state().prefix() + " is down (namespaces, processes, "
            + "run directory removed)");
    }

    private interface Body {
        void measure(PathResult result);
    }

    /** Measures one path; a failure becomes the path's failure sentence and the bench goes on. */
    private PathResult path(String topology, String path, Map<String, String> processNames, Body body) {
        PathResult result = new PathResult(topology, path, processNames);
        if (stopping) {
            result.failure = "interrupted";
            return result;
        }
        say("");
        say("[" + topology + "] " + path);
        try {
            body.measure(result);
        } catch (RuntimeException e) {
            result.failure = sentence(e);
            if (!stopping) {
                say("   FAILED: " + result.failure);
            }
        }
        return result;
    }

    // --- paths ---------------------------------------------------------------------------------------------------

    private void bare(Stack stack, PathResult result) {
        NetworkNamespace client = stack.state().namespace(Role.CLIENT);
        String route = routeTo(client);
        if (route.contains(" dev " + TUN) || route.contains(" dev wg") || !route.contains(" via ")) {
            throw new Failed("the client does not route " + IPERF + " through the plain network: " + route);
        }
        result.route = "plain routing: " + route;
        say("   route: " + route);
        awaitPing(client, Duration.ofSeconds(10));
        measureWarm(Ends.of(stack.state()), result, Map.of());
    }

    private void wireGuardGo(Stack stack, PathResult result) {
        NetworkNamespace client = stack.state().namespace(Role.CLIENT);
        NetworkNamespace gateway = stack.state().namespace(Role.GATEWAY);
        say("   wireguard-go + wg in " + client.name() + " and " + gateway.name() + " over ["
            + AddressPlan.CLIENT6.addressText() + "]:" + WireGuardGoPair.PORT + " <-> ["
            + AddressPlan.GATEWAY6.addressText() + "]:" + WireGuardGoPair.PORT + ", MTU " + WireGuardGoPair.MTU);
        WireGuardGoPair pair = WireGuardGoPair.up(client, gateway, stack.state().prefix().value(),
            stack.state().runDirectory().resolve("bench-wireguard-go"));
        Runnable close = pair::close;
        synchronized (cleanup) {
            cleanup.push(close);
        }
        try {
            String route = routeTo(client);
            if (!route.contains(" dev " + pair.clientInterface())) {
                throw new Failed("the client does not route " + IPERF + " into " + pair.clientInterface() + ": " + route);
            }
            result.route = "wireguard-go, " + route;
            say("   route: " + route);
            long start = System.nanoTime();
            awaitPing(client, Duration.ofSeconds(20));
            say("   handshake done, first ping answered after " + seconds(start) + " s");
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put(PathResult.CLIENT, pair.clientPid());
            pids.put(PathResult.GATEWAY, pair.gatewayPid());
            measureWarm(Ends.of(stack.state()), result, pids);
        } finally {
            synchronized (cleanup) {
                cleanup.remove(close);
            }
            pair.close();
            say("   wireguard-go pair removed (processes, interfaces, route, nftables table, keys)");
        }
    }

    private void flint(Stack stack, PathResult result, boolean relayed) {
        DevstackState state = stack.state();
        NetworkNamespace client = state.namespace(Role.CLIENT);
        long start = System.nanoTime();
        NamespaceProcess service = startService(stack);
        long servicePid = javaPid(service.pid());
        result.serviceRssAtSignInKb = ProcStat.read(servicePid).rssKb();
        result.aotCache = aotCache(servicePid);
        String route = routeTo(client);
        say("   signed in, routes set after " + seconds(start) + " s (service pid " + servicePid + ", "
            + Report.mb(result.serviceRssAtSignInKb) + " MB RSS, JDK AOT cache: " + result.aotCache + "); route: "
            + route);
        awaitPing(client, FIRST_PING);
        result.secondsToFirstPing = (System.nanoTime() - start) / 1e9;
        say("   first ping through the tunnel answered " + String.format(Locale.ROOT, "%.1f", result.secondsToFirstPing)
            + " s after the service started");

        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(PathResult.CLIENT, servicePid);
        pids.put(PathResult.GATEWAY, javaPid(pid(state, DemoTopology.GATEWAY_PROCESS)));
        if (relayed) {
            pids.put(PathResult.RELAY, pid(state, DemoTopology.COTURN));
        }
        result.runs.add(iperf(Ends.of(state), Kind.COLD, COLD_SECONDS, pids, result));

        String path = gatewayPath(state);
        result.route = route + "; the gateway says: " + path;
        say("   the gateway says the client is connected " + path);
        if (relayed != path.startsWith("via relay")) {
            result.warning = relayed ? "expected the relay, but the path is not relayed" : "expected a direct path, "
                + "but it is relayed";
            say("   NOTE: " + result.warning);
        }
        measureWarm(Ends.of(state), result, pids);

        say("   idle for " + settings.idleSeconds() + " s, then the service's RSS");
        sleep(Duration.ofSeconds(settings.idleSeconds()));
        result.serviceIdleRssKb = ProcStat.read(servicePid).rssKb();
        result.gatewayIdleRssKb = ProcStat.read(pids.get(PathResult.GATEWAY)).rssKb();
        say("   idle RSS: tunnel service " + Report.mb(result.serviceIdleRssKb) + " MB, gateway "
            + Report.mb(result.gatewayIdleRssKb) + " MB");
        service.close();
    }

    /** Warm-up (unmeasured), then up, down and ping, each printed as it ends. */
    private void measureWarm(Ends ends, PathResult result, Map<String, Long> pids) {
        progress("   warm-up: " + settings.warmupSeconds() + " s up, " + settings.warmupSeconds()
            + " s down (not measured) ");
        warmUp(ends, false, result);
        warmUp(ends, true, result);
        say("");
        result.runs.add(iperf(ends, Kind.UP, settings.seconds(), pids, result));
        result.runs.add(iperf(ends, Kind.DOWN, settings.seconds(), pids, result));
        awaitIdleServer(ends);
        result.ping = ping(ends.client());
    }

    // --- measurements --------------------------------------------------------------------------------------------

    private PathResult.Run iperf(Ends ends, Kind kind, int seconds, Map<String, Long> pids, PathResult path) {
        String what = switch (kind) {
            case COLD -> "cold: up (client -> resource)";
            case UP -> "up (client -> resource)";
            case DOWN -> "down (resource -> client, -R)";
        };
        progress("   " + what + ", " + seconds + " s ");
        awaitIdleServer(ends);
        ProcessMeter meter = ProcessMeter.start(pids, ticksPerSecond);
        Exec.Result run = runIperf(ends, seconds, kind == Kind.DOWN, path);
        Map<String, ProcessMeter.Usage> usage = meter.stop();
        Iperf3Result result;
        try {
            result = Iperf3Result.parse(run.stdout());
        } catch (IllegalArgumentException e) {
            say("");
            throw new Failed(e.getMessage() + (run.stderr().isBlank() ? "" : " (" + run.said() + ")"));
        }
        StringBuilder line = new StringBuilder(" " + Report.mbit(result.receivedMbitPerSecond()) + " Mbit/s, "
            + result.retransmits() + " retransmits");
        usage.forEach((label, u) -> line.append("; ").append(label).append(' ')
            .append(String.format(Locale.ROOT, "%.0f%% CPU, %s MB", u.cpuPercentOfOneCore(), Report.mb(u.peakRssKb()))));
        say(line.toString());
        return new PathResult.Run(kind, result, usage);
    }

    /** An unmeasured run; a failure is noted on the path (it is a finding too) and the measured runs still go. */
    private void warmUp(Ends ends, boolean reverse, PathResult result) {
        awaitIdleServer(ends);
        Exec.Result run = runIperf(ends, settings.warmupSeconds(), reverse, result);
        try {
            Iperf3Result.parse(run.stdout());
        } catch (IllegalArgumentException e) {
            note(result, "the warm-up " + (reverse ? "down" : "up") + " failed (" + e.getMessage() + ")");
        }
    }

    /**
     * One iperf3 client run. When the control connection is refused or reset before the test starts (the iperf3
     * server still winding down the last test: it answers a new client by closing with the cookie unread, which
     * the kernel turns into a reset), it waits for the server and tries once more, and notes that on the path.
     */
    private Exec.Result runIperf(Ends ends, int seconds, boolean reverse, PathResult path) {
        Exec.Result run = withDots(() -> Exec.inNamespace(ends.client().name(), Duration.ofSeconds(seconds + 40),
            iperfArgs(seconds, reverse)));
        Optional<String> error = Iperf3Result.error(run.stdout());
        if (!run.ok() && error.isPresent() && NOT_STARTED.matcher(error.get()).lookingAt()) {
            note(path, "an iperf3 run did not start and was repeated (iperf3 said: " + error.get() + ")");
            sleep(Duration.ofSeconds(1));
            awaitIdleServer(ends);
            run = withDots(() -> Exec.inNamespace(ends.client().name(), Duration.ofSeconds(seconds + 40),
                iperfArgs(seconds, reverse)));
        }
        return run;
    }

    /**
     * Waits until the iperf3 server holds no open connection (none established, none the client has closed but
     * the server not yet): it serves one test at a time and may still be finishing the last one, whose closing
     * packets queue behind the data in a slow tunnel.
     */
    private void awaitIdleServer(Ends ends) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Exec.Result open = Exec.inNamespace(ends.resources().name(), Duration.ofSeconds(10), "ss", "-Htn", "state",
                "established", "state", "close-wait", "state", "syn-recv", "( sport = :" + AddressPlan.IPERF_PORT + " )");
            if (open.ok() && open.stdout().isBlank()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new Failed("the iperf3 server still had connections open 30 s after the last run");
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private void note(PathResult result, String note) {
        result.warning = result.warning == null ? note : result.warning + "; " + note;
        progress(" [" + note + "] ");
    }

    private static String[] iperfArgs(int seconds, boolean reverse) {
        List<String> args = new ArrayList<>(List.of("iperf3", "--client", IPERF, "--port",
            Integer.toString(AddressPlan.IPERF_PORT), "--time", Integer.toString(seconds), "--connect-timeout", "10000"));
        if (reverse) {
            args.add("--reverse");
        }
        args.add("--json");
        return args.toArray(String[]::new);
    }

    private PingResult ping(NetworkNamespace client) {
        progress("   ping -c " + settings.pingCount() + " -i 0.2 " + IPERF + " ");
        Exec.Result run = withDots(() -> Exec.inNamespace(client.name(), Duration.ofSeconds(30), "ping", "-q", "-n",
            "-c", Integer.toString(settings.pingCount()), "-i", "0.2", "-W", "2", IPERF));
        PingResult ping;
        try {
            ping = PingResult.parse(run.stdout());
        } catch (IllegalArgumentException e) {
            say("");
            throw new Failed("ping " + IPERF + ": " + e.getMessage());
        }
        say(String.format(Locale.ROOT, " avg %.3f ms (min %.3f, max %.3f), %d of %d lost", ping.avgMs(), ping.minMs(),
            ping.maxMs(), ping.lost(), ping.transmitted()));
        return ping;
    }

    /** Starts the tunnel service in the client namespace as users do and waits for its routes. */
    private NamespaceProcess startService(Stack stack) {
        DevstackState state = stack.state();
        NetworkNamespace client = state.namespace(Role.CLIENT);
        Path dir = state.runDirectory().resolve("bench-service");
        Path token = writePrivate(dir.resolve("token"), clientToken(state.runDirectory()
            .resolve(DemoTopology.PORTAL_CONFIG)) + "\n");
        List<String> command = List.of(launcher.toString(), "tunnel", "headless", "--token-file", token.toString(),
            "--api-url", API_URL, "--dns-control", "disabled", "--interface", TUN,
            "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
            "--log-dir", dir.resolve("log").toString());
        say("   starting the tunnel service in " + client.name() + ": ./flint tunnel headless (signed in as "
            + "alice@flint.test with a token signed by this portal) --api-url " + API_URL);
        Path serviceLog = state.runDirectory().resolve("tunnel-service.log");
        NamespaceProcess service = client.startDetached("tunnel-service", command, serviceLog);
        DemoTopology.recordProcess(stack.stateFile(), "tunnel-service", client.name(), service.pid());

        await(() -> routeTo(client).contains(" dev " + TUN), service, SIGN_IN, () -> "the tunnel service did not "
            + "route " + IPERF + " into " + TUN + " within " + SIGN_IN.toSeconds() + " s (route: " + routeTo(client)
            + "); its log ends: " + lastLines(read(serviceLog), 3));
        return service;
    }

    // --- the NAT matrix ------------------------------------------------------------------------------------------

    /** One row of the NAT matrix: the NAT behaviours of both sites and the path hole punching should end on. */
    private record MatrixRow(NatType client, NatType gateway, boolean direct) {
    }

    private static final List<MatrixRow> MATRIX = List.of(
        new MatrixRow(NatType.NONE, NatType.NONE, true),
        new MatrixRow(NatType.FULL_CONE, NatType.FULL_CONE, true),
        new MatrixRow(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE, true),
        new MatrixRow(NatType.PORT_RESTRICTED_CONE, NatType.FULL_CONE, true),
        new MatrixRow(NatType.SYMMETRIC, NatType.FULL_CONE, true),
        new MatrixRow(NatType.SYMMETRIC, NatType.PORT_RESTRICTED_CONE, false),
        new MatrixRow(NatType.SYMMETRIC, NatType.SYMMETRIC, false));
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Pattern PING_TIME = Pattern.compile("time=([0-9.]+) ms");

    /**
     * Every row of the NAT matrix on its own devstack: the tunnel service signs in, then one ping is the first packet
     * for the resource, so its round trip is the connection's set-up (the portal's authorization, ICE, the WireGuard
     * handshake) plus one echo. Then the gateway's last word on the path (a relayed start may move to a direct pair),
     * and a ping on the final path.
     */
    int measureMatrix() {
        start();
        String loadBefore = loadAverage();
        say("flint bench --matrix: " + machine() + "; load average " + loadBefore);
        requireTools();
        List<String> rows = new ArrayList<>();
        boolean allAsExpected = true;
        for (MatrixRow row : MATRIX) {
            if (stopping) {
                return 130;
            }
            String name = row.client().label() + " / " + row.gateway().label();
            say("");
            say("client NAT " + row.client().label() + ", gateway NAT " + row.gateway().label() + " (expected: "
                + (row.direct() ? "direct" : "relay") + ")");
            try {
                Stack stack = up(name, new DemoTopology.Options(row.client(), row.gateway(), false, true, TAG, true));
                try (NamespaceProcess service = startService(stack)) {
                    NetworkNamespace client = stack.state().namespace(Role.CLIENT);
                    Exec.Result first = Exec.inNamespace(client.name(), Duration.ofSeconds(30), "ping", "-n", "-c", "1",
                        "-W", "20", IPERF);
                    Matcher setUp = PING_TIME.matcher(first.stdout());
                    String setUpMs = setUp.find() ? setUp.group(1) : "no answer";
                    long firstAnswered = System.nanoTime();
                    String path = gatewayPath(stack.state());
                    while (row.direct() && !path.startsWith("via direct")
                            && System.nanoTime() - firstAnswered < SETTLE.toNanos()) {
                        sleep(Duration.ofMillis(100));
                        path = gatewayPath(stack.state());
                    }
                    String directAfter = path.startsWith("via direct") && gatewayPathHistory(stack.state()) > 1
                        ? seconds(firstAnswered) + " s after the first answer" : "-";
                    Exec.Result later = Exec.inNamespace(client.name(), Duration.ofSeconds(30), "ping", "-q", "-n",
                        "-c", "10", "-i", "0.2", IPERF);
                    String rtt = later.ok() ? String.format(Locale.ROOT, "%.2f", PingResult.parse(later.stdout()).avgMs())
                        : "no answer";
                    boolean asExpected = row.direct() == path.startsWith("via direct");
                    allAsExpected &= asExpected;
                    say("   first packet answered after " + setUpMs + " ms; the gateway says " + path
                        + "; ping on that path " + rtt + " ms" + (asExpected ? "" : "  <-- NOT the expected path"));
                    rows.add("| " + row.client().label() + " | " + row.gateway().label() + " | "
                        + (row.direct() ? "direct" : "relay") + " | " + (path.startsWith("via direct") ? "direct"
                        : path.startsWith("via relay") ? "relay" : path) + " | " + setUpMs + " | " + directAfter
                        + " | " + rtt + " |");
                }
                down(stack);
            } catch (RuntimeException e) {
                allAsExpected = false;
                say("   FAILED: " + sentence(e));
                rows.add("| " + row.client().label() + " | " + row.gateway().label() + " | "
                    + (row.direct() ? "direct" : "relay") + " | failed: " + sentence(e) + " | | | |");
            }
        }
        finish();
        say("");
        say("flint bench --matrix, " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
            .format(Instant.now()) + "; " + machine() + "; load average before: " + loadBefore + "; after: "
            + loadAverage());
        say("");
        say("| client NAT | gateway NAT | expected | path (the gateway's last word) | connection set-up: first packet's "
            + "round trip, ms | moved to direct | ping on that path, ms |");
        say("|---|---|---|---|---:|---|---:|");
        rows.forEach(this::say);
        return allAsExpected ? 0 : 1;
    }

    /** How many times the gateway said how the client is connected (more than once: the path moved). */
    private static int gatewayPathHistory(DevstackState state) {
        Matcher m = GATEWAY_PATH.matcher(read(state.runDirectory().resolve(DemoTopology.GATEWAY_PROCESS + ".log")));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Pings once a second until an answer comes (the first ping also brings a tunnel's connection up). */
    private static void awaitPing(NetworkNamespace client, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Exec.Result once = Exec.inNamespace(client.name(), Duration.ofSeconds(10), "ping", "-q", "-n", "-c", "1",
                "-W", "1", IPERF);
            if (once.ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new Failed("no answer to ping " + IPERF + " from the client within " + timeout.toSeconds() + " s");
            }
        }
    }

    /** What {@code ip route get} says the client uses to reach the iperf3 server (policy rules included). */
    private static String routeTo(NetworkNamespace client) {
        Exec.Result route = Exec.inNamespace(client.name(), Duration.ofSeconds(10), "ip", "route", "get", IPERF);
        return route.ok() ? route.stdout().lines().findFirst().orElse("").replaceAll("\\s+", " ").strip()
            : "none (" + route.said() + ")";
    }

    /** How the gateway says the client reached it, from the last "Client ... connected via ..." of its log. */
    private static String gatewayPath(DevstackState state) {
        Matcher m = GATEWAY_PATH.matcher(read(state.runDirectory().resolve(DemoTopology.GATEWAY_PROCESS + ".log")));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last == null ? "(its log does not say how)" : last;
    }

    // --- the token, processes, files -----------------------------------------------------------------------------

    /**
     * A client token for alice, signed with this run's portal secret exactly as the portal's sign-in page signs one
     * (the portal checks tokens by signature, so it accepts it like any it issued).
     */
    static String clientToken(Path portalConfig) {
        PortalConfig config;
        try {
            config = PortalConfigReader.read(portalConfig);
        } catch (IOException e) {
            throw new Failed("cannot read the portal's config " + portalConfig + ": " + e.getMessage());
        }
        PortalConfig.Account account = config.account("demo")
            .orElseThrow(() -> new Failed("the portal config has no account 'demo'"));
        PortalConfig.User alice = account.userByEmail("alice@flint.test")
            .orElseThrow(() -> new Failed("the portal config has no user alice@flint.test"));
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        String nonce = HexFormat.of().formatHex(bytes);
        return nonce + new ClientTokens(config.signingSecret()).fragment(nonce, new ClientTokens.Claims(
            UUID.randomUUID(), account.id(), alice.id(), Instant.now().plus(config.tokenLifetime())));
    }

    private static long pid(DevstackState state, String label) {
        return state.process(label).map(Created.Process::pid)
            .orElseThrow(() -> new Failed("the devstack started no " + label));
    }

    /** What the launcher told the service's JVM about its AOT cache, read from the JVM's command line. */
    static String aotCache(long pid) {
        String commandLine;
        try {
            commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        if (commandLine.contains("-XX:AOTCache=")) {
            return "used";
        }
        return commandLine.contains("-XX:AOTCacheOutput=") ? "this run trains it" : "none";
    }

    /**
     * The JVM of a process started through a launcher: {@code ip netns exec} and the ./flint script exec it, so it is
     * normally the process itself; otherwise its one java descendant.
     */
    private static long javaPid(long pid) {
        if (read(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("java")) {
            return pid;
        }
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
            .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .map(ProcessHandle::pid).findFirst().orElse(pid);
    }

    private void await(Supplier<Boolean> condition, NamespaceProcess owner, Duration timeout,
                       Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (!owner.isAlive()) {
                throw new Failed(owner.label() + " exited (code " + owner.exitCode() + "); its log ends: "
                    + lastLines(owner.recentOutput(), 4));
            }
            if (System.nanoTime() > deadline) {
                throw new Failed(failure.get());
            }
            sleep(Duration.ofMillis(250));
        }
    }

    /** The kept logs are the last run's only. */
    private void forgetOldLogs() {
        if (!Files.isDirectory(keptLogs)) {
            return;
        }
        try (var files = Files.walk(keptLogs)) {
            for (Path each : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            say("(could not remove the logs of the last run in " + keptLogs + ": " + e.getMessage() + ")");
        }
    }

    /** Copies the logs of a topology's run (which {@code down} removes) to the kept-logs directory. */
    private void keepLogs(Stack stack) {
        Path run = stack.state().runDirectory();
        if (!Files.isDirectory(run)) {
            return;
        }
        Path into = keptLogs.resolve(stack.state().prefix().value());
        try (var files = Files.walk(run)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                Files.createDirectories(into);
                Files.copy(file, into.resolve(run.relativize(file).toString().replace('/', '-')),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            sayAnyway("   (could not keep the logs: " + e.getMessage() + ")");
        }
    }

    /** Undoes everything still standing, newest first, then checks that nothing with this run's prefixes is left. */
    private void cleanUp(boolean interrupted) {
        List<Runnable> steps;
        synchronized (cleanup) {
            steps = new ArrayList<>(cleanup);
            cleanup.clear();
        }
        if (interrupted) {
            sayAnyway("Cleaning up: wireguard-go pair, tunnel service, gateway, portal, coturn, namespaces, nftables "
                + "tables and run directories");
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                sayAnyway("   while cleaning up: " + sentence(e));
            }
        }
        if (prefixes.isEmpty()) {
            return;
        }
        List<String> left = new ArrayList<>(NetworkNamespace.list().stream()
            .filter(n -> prefixes.stream().anyMatch(p -> n.startsWith(p + "-"))).toList());
        for (String prefix : prefixes) {
            if (Files.exists(Topology.RUN_ROOT.resolve(prefix))) {
                left.add(Topology.RUN_ROOT.resolve(prefix).toString());
            }
            for (String side : List.of("c", "g")) {
                if (Files.exists(Path.of("/var/run/wireguard", prefix + side + ".sock"))) {
                    left.add("/var/run/wireguard/" + prefix + side + ".sock");
                }
            }
        }
        sayAnyway(left.isEmpty() ? "   nothing of the bench is left (namespaces " + String.join(", ", prefixes.stream()
            .map(p -> p + "-*").toList()) + " gone); logs kept in " + keptLogs
            : "   STILL THERE: " + String.join(", ", left));
    }

    // --- small things --------------------------------------------------------------------------------------------

    private void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("iperf3", "wireguard-go", "wg", "turnserver", "dnsmasq", "nft", "ping")) {
            if (!Exec.run(Duration.ofSeconds(10), List.of("sh", "-c", "command -v " + tool)).ok()) {
                missing.add(tool);
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun");
        }
        if (!missing.isEmpty()) {
            throw new Failed("missing: " + String.join(", ", missing) + " (./flint bench installs the Debian packages)");
        }
    }

    private <T> T withDots(Supplier<T> work) {
        Thread ticker = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    if (!stopping) {
                        out.print('.');
                        out.flush();
                    }
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try {
            return work.get();
        } finally {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String machine() {
        String cpu = read(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), kernel "
            + System.getProperty("os.version") + ", Java " + Runtime.version();
    }

    private static String loadAverage() {
        String[] fields = read(Path.of("/proc/loadavg")).strip().split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    }

    private static double firstLoad(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long clockTicks() {
        Exec.Result r = Exec.run(Duration.ofSeconds(10), List.of("getconf", "CLK_TCK"));
        try {
            return r.ok() ? Long.parseLong(r.stdout().strip()) : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private static Path writePrivate(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }

    /** A failure as one sentence: the message's first lines, without a stack trace. */
    static String sentence(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && !message.contains(e.getCause().getMessage())) {
            message = message + ": " + e.getCause().getMessage();
        }
        List<String> lines = message.strip().lines().filter(l -> !l.isBlank()).limit(3).toList();
        return String.join(" | ", lines);
    }

    private void progress(String text) {
        if (!stopping) {
            out.print(text);
            out.flush();
        }
    }

    /** Prints a line, unless an interruption is being handled (then only the hook speaks). */
    private void say(String line) {
        if (!stopping || Thread.currentThread() == hook) {
            out.println(line);
            out.flush();
        }
    }

    private void sayAnyway(String line) {
        out.println(line);
        out.flush();
    }
}
