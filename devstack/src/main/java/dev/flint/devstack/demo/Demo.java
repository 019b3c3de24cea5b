package dev.flint.devstack.demo;

import dev.flint.devstack.topology.AddressPlan;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import dev.flint.devstack.topology.Role;
import dev.flint.devstack.topology.StreamRelay;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flint demo [--check]}: the whole system, end to end. Brings the devstack up (portal emulator, relay,
 * gateway, NAT routers, resources), starts the tunnel service in the client namespace and the GUI on the display
 * (or under Xvfb, saving screenshots), signs in as alice, then reaches a DNS resource by name and a CIDR resource
 * by address from the client namespace, saying in plain words what each step did and measured. Everything it
 * started is stopped and the devstack removed when it ends, also on Ctrl-C.
 */
public final class Demo {

    static final String USAGE = """
        Usage: flint demo [--check] [--keep] [--nat TYPE] [--screenshots DIR]

          --check            unattended: sign in by following the sign-in page, exit 0 only if every step worked
          --keep             leave everything running until Ctrl-C (to look around)
          --nat TYPE         NAT type of both routers (default port-restricted; symmetric forces the relay)
          --screenshots DIR  where to save the GUI screenshots when there is no display (the logs go beside it)
        """;

    private static final String EMAIL = "alice@flint.test";
    private static final String PASSWORD = "alice";
    private static final Duration SERVICE_READY = Duration.ofSeconds(60);
    private static final Duration SIGNED_IN = Duration.ofSeconds(120);
    private static final Duration RESOURCE_REACHED = Duration.ofSeconds(60);
    private static final Pattern GUI_SHOWS = Pattern.compile("GUI shows: (phase (\\w+), (\\d+) resources.*)");
    /** Firezone hands out DNS resource proxy IPs from 100.96.0.0/11. */
    private static final Pattern PROXY_IP = Pattern.compile("100\\.(9[6-9]|1[01][0-9]|12[0-7])\\.\\d+\\.\\d+");

    private final boolean check;
    private final boolean keep;
    private final NatType nat;
    private final Path launcher;
    private final Path screenshots;
    private final Path stateFile;
    private final Path logs;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();
    private final List<AutoCloseable> started = new ArrayList<>();
    private DevstackState state;
    private Path run;
    private Path guiLog;
    private Path framebuffer;
    private int shot;

    Demo(boolean check, boolean keep, NatType nat, Path launcher, Path screenshots, Path stateFile, PrintStream out) {
        this.check = check;
        this.keep = keep;
        this.nat = nat;
        this.launcher = launcher;
        this.screenshots = screenshots;
        this.stateFile = stateFile;
        this.logs = screenshots.resolveSibling("logs");
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        boolean check = false;
        boolean keep = false;
        NatType nat = NatType.PORT_RESTRICTED_CONE;
        Path screenshots = Path.of(System.getenv().getOrDefault("FLINT_DEMO_DIR", "flint-demo"), "screenshots");
        Path state = DemoTopology.DEFAULT_STATE;
        String launcher = System.getenv("FLINT_LAUNCHER");
        try {
            while (!rest.isEmpty()) {
                String option = rest.removeFirst();
                switch (option) {
                    case "--check" -> check = true;
                    case "--keep" -> keep = true;
                    case "--nat" -> nat = NatType.parse(value(option, rest));
                    case "--screenshots" -> screenshots = Path.of(value(option, rest));
                    case "--state" -> state = Path.of(value(option, rest));
                    case "--launcher" -> launcher = value(option, rest);
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
            if (launcher == null) {
                throw new IllegalArgumentException("run it as ./flint demo (FLINT_LAUNCHER names the ./flint script)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("flint demo: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        Demo demo = new Demo(check, keep, nat, Path.of(launcher).toAbsolutePath(), screenshots.toAbsolutePath(), state,
            System.out);
        Thread cleanup = new Thread(demo::tearDown, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        return demo.show();
    }

    /** Runs every step; returns the exit code. */
    int show() {
        say("Flint demo" + (check ? " (--check: unattended)" : ""));
        boolean ok = step("1. The devstack: portal emulator, coturn relay, gateway, NAT routers and a resource network",
            "Bringing the devstack up", this::devstackUp)
            && step("2. The tunnel service, as root in the client's namespace", "Starting the tunnel service",
                this::tunnelService)
            && step("3. The GUI" + (display().isPresent() ? " on your display " + display().get()
                : " under Xvfb (no display here)"), "Starting the GUI", this::gui)
            && step("4. Signing in as " + EMAIL + " through the portal's sign-in page", "Signing in", this::signIn);
        if (ok) {
            step("5. A DNS resource, reached by name from the client: http://web." + AddressPlan.DOMAIN + "/",
                "Reaching the DNS resource", this::dnsResource);
            step("6. A CIDR resource, reached by address from the client: http://" + AddressPlan.WEB.addressText()
                + "/ (in " + AddressPlan.RESOURCES + ")", "Reaching the CIDR resource", this::cidrResource);
            screenshot("resources");
        }
        say("");
        if (keep && failures.isEmpty()) {
            say("Everything stays up; press Ctrl-C to stop it and remove the devstack.");
            try {
                Thread.currentThread().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tearDown();
        if (!failures.isEmpty()) {
            say("flint demo: FAILED. " + String.join(" ", failures));
            return 1;
        }
        say("flint demo: every step worked" + (check ? "; --check passed." : "."));
        return 0;
    }

    /** One numbered step: prints its title, runs it, records a failure sentence if it threw. */
    private boolean step(String title, String what, Runnable body) {
        say("");
        say(title);
        try {
            body.run();
            return true;
        } catch (StepFailed e) {
            say("   FAILED: " + e.getMessage());
            failures.add(e.getMessage());
            return false;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            String sentence = what + " failed: " + why + (why.endsWith(".") ? "" : ".");
            say("   FAILED: " + sentence);
            failures.add(sentence);
            return false;
        }
    }

    /** A step's failure, said as a sentence. */
    static final class StepFailed extends RuntimeException {
        StepFailed(String sentence) {
            super(sentence);
        }
    }

    // --- 1. devstack ---------------------------------------------------------------------------------------------

    private void devstackUp() {
        var options = new DemoTopology.Options(nat, nat, false, true, "fd", true);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        state = DemoTopology.up(options, stateFile, quiet);
        started.add(() -> DemoTopology.down(stateFile));
        run = state.runDirectory();
        say("   namespaces " + state.prefix() + "-{client,natc,inet,portal,relay,natg,gw,res}; client and gateway NAT "
            + nat.label());
        for (var process : state.processes()) {
            say("   " + describe(process.label()) + " is running (pid " + process.pid() + ", in " + process.namespace()
                + ")");
        }
        if (state.process(DemoTopology.GATEWAY_PROCESS).isEmpty()) {
            String missing = "This build starts no devstack gateway, so no resource can be reached.";
            say("   MISSING: " + missing);
            failures.add(missing);
        }
    }

    private static String describe(String label) {
        return switch (label) {
            case DemoTopology.DNSMASQ -> "the resource network's DNS server (dnsmasq, zone " + AddressPlan.DOMAIN + ")";
            case DemoTopology.WEB_SERVER -> "the web server " + AddressPlan.WEB.addressText();
            case DemoTopology.IPERF3 -> "iperf3 " + AddressPlan.IPERF.addressText();
            case DemoTopology.COTURN -> "the TURN relay (coturn) " + AddressPlan.RELAY.addressText();
            case DemoTopology.PORTAL_PROCESS -> "the portal emulator " + DemoTopology.PORTAL_LISTEN.getHostString() + ":"
                + DemoTopology.PORTAL_LISTEN.getPort();
            case DemoTopology.PORTAL_DOOR -> "the portal's door for this machine's browser";
            case DemoTopology.GATEWAY_PROCESS -> "the Flint gateway " + AddressPlan.GATEWAY.addressText();
            default -> label;
        };
    }

    // --- 2. tunnel service ---------------------------------------------------------------------------------------

    private Path tunnelRuntime() {
        return run.resolve("tunnel/run");
    }

    private void tunnelService() {
        NetworkNamespace client = state.namespace(Role.CLIENT);
        // The browser on this machine reaches the portal through its door: a loopback port, the only plain-http
        // sign-in address the service accepts.
        StreamRelay door = StreamRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            UnixDomainSocketAddress.of(run.resolve(DemoTopology.PORTAL_SOCKET)));
        started.add(door);
        int port = ((InetSocketAddress) door.listening()).getPort();
        Path stateDir = run.resolve("tunnel/state");
        write(stateDir.resolve("advanced_settings.json"), """
            {"auth_url":"http://127.0.0.1:%d/","api_url":"ws://127.0.0.1:%d/","log_filter":"info"}
            """.formatted(port, port));
        Path resolvConf = Path.of("/etc/netns", client.name(), "resolv.conf");
        String api = "ws://" + DemoTopology.PORTAL_LISTEN.getHostString() + ":" + DemoTopology.PORTAL_LISTEN.getPort()
            + "/";
        List<String> command = List.of(launcher.toString(), "tunnel", "run-interactive",
            "--state-dir", stateDir.toString(), "--runtime-dir", tunnelRuntime().toString(),
            "--log-dir", run.resolve("tunnel/log").toString(), "--dns-control", "etc-resolv-conf",
            "--resolv-conf", resolvConf.toString(), "--allow-any-peer-exe", "--api-url", api);
        NamespaceProcess service = client.startDetached("tunnel-service", command, run.resolve("tunnel-service.log"));
        started.add(service);
        DemoTopology.recordProcess(stateFile, "tunnel-service", client.name(), service.pid());
        Path socket = tunnelRuntime().resolve("tunnel.sock");
        awaitOrFail(() -> Files.exists(socket) || !service.isAlive(), SERVICE_READY, () ->
            "The tunnel service did not open its socket " + socket + " within " + SERVICE_READY.toSeconds() + " s.");
        if (!service.isAlive()) {
            throw new StepFailed("The tunnel service exited (code " + service.exitCode() + "): "
                + lastLines(service.recentOutput(), 4));
        }
        say("   flint-tunnel is running (pid " + service.pid() + ") in " + client.name() + ": it owns the TUN device "
            + "there, rewrites that namespace's resolv.conf while connected, and talks to the portal at " + api);
        say("   its socket for the GUI: " + socket + "; the GUI's sign-in address http://127.0.0.1:" + port
            + "/ leads to the portal emulator");
    }

    // --- 3. GUI --------------------------------------------------------------------------------------------------

    private Optional<String> display() {
        String d = System.getenv("DISPLAY");
        return d == null || d.isBlank() || check ? Optional.empty() : Optional.of(d);
    }

    private void gui() {
        Map<String, String> env = new java.util.HashMap<>();
        String displayName;
        if (display().isPresent()) {
            displayName = display().get();
        } else {
            displayName = startXvfb();
            say("   Xvfb " + displayName + " is running; screenshots go to " + screenshots);
        }
        Path data = run.resolve("gui");
        write(data.resolve("config/general_settings.json"), "{\"account_slug\":\"demo\"}\n");
        env.put("DISPLAY", displayName);
        env.put("FLINT_TUNNEL_SOCKET", tunnelRuntime().resolve("tunnel.sock").toString());
        env.put("FLINT_GUI_DATA_DIR", data.toString());
        env.put("FLINT_GUI_SIGN_IN", "1");
        Path browser = run.resolve("sign-in-browser");
        if (display().isEmpty()) {
            writeBrowserScript(browser, SignInFollower.class, List.of("--email", EMAIL, "--password", PASSWORD));
            env.put("FLINT_BROWSER", browser.toString());
        } else if (ChromiumSignIn.find().isPresent()) {
            // Chromium on the display, for the person to sign in; it hands the link back without a desktop handler.
            writeBrowserScript(browser, ChromiumSignIn.class, List.of());
            env.put("FLINT_BROWSER", browser.toString());
        }
        guiLog = run.resolve("gui.log");
        Process gui = startOnHost("gui", List.of(launcher.toString(), "gui", "--no-deep-links"), env, guiLog);
        awaitOrFail(() -> lastGuiState().isPresent() || !gui.isAlive(), SERVICE_READY, () ->
            "The GUI showed nothing within " + SERVICE_READY.toSeconds() + " s (its log: " + guiLog + ").");
        if (!gui.isAlive()) {
            throw new StepFailed("The GUI exited (code " + gui.exitValue() + "): " + lastLines(read(guiLog), 4));
        }
        say("   flint-gui is running (pid " + gui.pid() + "); it shows: " + guiShows().orElseThrow());
    }

    private String startXvfb() {
        int number = 99;
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + number)) || Files.exists(Path.of("/tmp/.X" + number + "-lock"))) {
            number++;
        }
        Path fbdir = run.resolve("xvfb");
        try {
            Files.createDirectories(fbdir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = ":" + number;
        Process xvfb = startOnHost("xvfb", List.of("Xvfb", name, "-screen", "0", "1280x800x24", "-fbdir", fbdir.toString(),
            "-nolisten", "tcp"), Map.of(), run.resolve("xvfb.log"));
        framebuffer = fbdir.resolve("Xvfb_screen0");
        Path socket = Path.of("/tmp/.X11-unix/X" + number);
        awaitOrFail(() -> Files.exists(socket) || !xvfb.isAlive(), Duration.ofSeconds(20), () ->
            "Xvfb " + name + " did not start (its log: " + run.resolve("xvfb.log") + ").");
        if (!xvfb.isAlive()) {
            throw new StepFailed("Xvfb exited: " + lastLines(read(run.resolve("xvfb.log")), 3));
        }
        return name;
    }

    /**
     * The GUI's "browser" without a display: follows the sign-in page as alice and hands the deep link to the
     * running GUI, as a browser and the desktop's link handler would.
     */
    private void writeBrowserScript(Path script, Class<?> browser, List<String> options) {
        List<String> follower = JavaCommand.forMain(browser, options);
        Path log = run.resolve("sign-in.log");
        String text = "#!/bin/sh\n"
            + "# Stands in for the browser in the unattended demo: follows the portal's sign-in page, then hands the\n"
            + "# sign-in link to the running GUI the way the desktop's link handler would.\n"
            + "echo \"$(date -u +%T) opening $1\" >>" + quote(log.toString()) + "\n"
            + "link=$(" + String.join(" ", follower.stream().map(Demo::quote).toList()) + " \"$1\" 2>>"
            + quote(log.toString()) + ") || exit 1\n"
            + "echo \"$(date -u +%T) the portal redirected to a sign-in link; handing it to the GUI\" >>"
            + quote(log.toString()) + "\n"
            + "exec " + quote(launcher.toString()) + " gui open-deep-link \"$link\" >>" + quote(log.toString())
            + " 2>&1\n";
        write(script, text);
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- 4. sign-in ----------------------------------------------------------------------------------------------

    private void signIn() {
        if (display().isPresent()) {
            say("   the GUI opened the sign-in page in " + (ChromiumSignIn.find().isPresent() ? "Chromium"
                : "your browser") + ": sign in as " + EMAIL + " with password " + PASSWORD);
        }
        Duration signInTime = display().isPresent() ? Duration.ofMinutes(10) : SIGNED_IN;
        awaitOrFail(() -> lastGuiState().map(s -> s.startsWith("phase SIGNED_IN")).orElse(false)
            || read(guiLog).contains("Connect failed: "), signInTime, () ->
            "The GUI did not get signed in within " + signInTime.toSeconds() + " s; it last showed: "
                + guiShows().orElse("nothing") + signInTrail());
        if (!lastGuiState().orElse("").startsWith("phase SIGNED_IN")) {
            throw new StepFailed("The GUI was not signed in; it shows: " + guiShows().orElse("nothing")
                + signInTrail());
        }
        if (display().isEmpty()) {
            say("   the GUI opened the sign-in page; with no display here the demo followed it as " + EMAIL
                + " (loaded the page, filled in its form, submitted it), and the portal's sign-in link went back"
                + " to the GUI");
        }
        say("   the GUI shows: " + guiShows().orElseThrow());
        screenshot("signed-in");
        awaitOrFail(() -> guiResourceCount() > 0, SIGNED_IN, () ->
            "The GUI is signed in but shows no resources within " + SIGNED_IN.toSeconds() + " s.");
        say("   the portal sent the resources; the GUI lists " + guiResourceCount() + " of them");
    }

    private String signInTrail() {
        Path log = run.resolve("sign-in.log");
        String trail = Files.exists(log) ? " (the sign-in follower said: " + lastLines(read(log), 1) + ")" : "";
        Matcher refused = Pattern.compile("Connect failed: (.*)").matcher(read(guiLog));
        String last = null;
        while (refused.find()) {
            last = refused.group(1).strip();
        }
        return trail + (last == null ? "." : ". The tunnel service refused to connect: " + last);
    }

    private Optional<String> lastGuiState() {
        if (guiLog == null || !Files.exists(guiLog)) {
            return Optional.empty();
        }
        String last = null;
        Matcher m = GUI_SHOWS.matcher(read(guiLog));
        while (m.find()) {
            last = m.group(1);
        }
        return Optional.ofNullable(last);
    }

    /** "phase SIGNED_IN, 4 resources, signed in as Alice Demo" as words: "signed in, 4 resources, ...". */
    private Optional<String> guiShows() {
        return lastGuiState().map(s -> {
            Matcher m = Pattern.compile("^phase (\\w+)").matcher(s);
            return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + s.substring(m.end())
                : s;
        });
    }

    private int guiResourceCount() {
        return lastGuiState().map(s -> {
            Matcher m = GUI_SHOWS.matcher("GUI shows: " + s);
            return m.find() ? Integer.parseInt(m.group(3)) : 0;
        }).orElse(0);
    }

    // --- 5, 6. resources -----------------------------------------------------------------------------------------

    private void dnsResource() {
        NetworkNamespace client = state.namespace(Role.CLIENT);
        String name = "web." + AddressPlan.DOMAIN;
        String[] resolved = {""};
        awaitOrFail(() -> {
            resolved[0] = client.command("getent", "ahostsv4", name).runAllowingFailure().stdout().lines()
                .map(l -> l.split("\\s+")[0]).findFirst().orElse("");
            return PROXY_IP.matcher(resolved[0]).matches();
        }, RESOURCE_REACHED, () -> "In the client namespace " + name + " did not resolve to a Flint proxy address (100.96.0.0/11)"
            + " within " + RESOURCE_REACHED.toSeconds() + " s; it resolved to " + (resolved[0].isEmpty() ? "nothing"
            : resolved[0]) + ".");
        say("   " + name + " resolved to " + resolved[0] + ": a proxy address from Flint's DNS in the tunnel (the real"
            + " address " + AddressPlan.WEB.addressText() + " stays behind the gateway)");
        httpGet(client, "http://" + name + "/", " (the first request also waits for the connection to the gateway:"
            + " ICE, the relay, the WireGuard handshake)");
        say("   " + path());
    }

    /** How the client reached the gateway, from the two sides' own logs. */
    private String path() {
        Matcher client = Pattern.compile("Connected to gateway \\S+ via NominatedPair\\[local=(\\w+) (\\S+).*?remote=(\\w+) "
            + "(\\S+?),").matcher(read(run.resolve("tunnel-service.log")));
        Matcher gateway = Pattern.compile("Client \\S+ connected (.*?)\\.$", Pattern.MULTILINE)
            .matcher(read(run.resolve(DemoTopology.GATEWAY_PROCESS + ".log")));
        String clientSide = null;
        while (client.find()) {
            String local = client.group(1);
            String remote = client.group(3);
            clientSide = local.equals("relay") || remote.equals("relay")
                ? "relayed through the TURN relay (client candidate " + local + " " + client.group(2).replace("/", "")
                    + ", gateway candidate " + remote + " " + client.group(4).replace("/", "") + ")"
                : "direct, peer to peer (client " + local + " " + client.group(2).replace("/", "") + ", gateway "
                    + remote + " " + client.group(4).replace("/", "") + ")";
        }
        String gatewaySide = null;
        while (gateway.find()) {
            gatewaySide = gateway.group(1);
        }
        if (clientSide == null && gatewaySide == null) {
            return "(the logs do not say whether the path was direct or relayed)";
        }
        return "the WireGuard path between client and gateway: " + (clientSide != null ? clientSide : "?")
            + (gatewaySide != null ? "; the gateway says: connected " + gatewaySide.replace("/", "") : "");
    }

    private void cidrResource() {
        httpGet(state.namespace(Role.CLIENT), "http://" + AddressPlan.WEB.addressText() + "/", "");
    }

    private void httpGet(NetworkNamespace client, String url, String timingNote) {
        String[] answer = {""};
        awaitOrFail(() -> {
            var result = client.command("curl", "-sS", "--max-time", "5", "-w", "\\n%{http_code} %{time_total}", url)
                .runAllowingFailure();
            answer[0] = result.ok() ? result.stdout() : result.stderr().strip();
            return result.ok() && answer[0].lines().toList().getLast().startsWith("200 ");
        }, RESOURCE_REACHED, () -> "GET " + url + " from the client namespace did not answer 200 within "
            + RESOURCE_REACHED.toSeconds() + " s: " + lastLines(answer[0], 2));
        List<String> lines = answer[0].lines().toList();
        String[] status = lines.getLast().split(" ");
        String body = String.join(" / ", lines.subList(0, lines.size() - 1).stream().filter(l -> !l.isBlank())
            .toList());
        say("   GET " + url + " -> HTTP " + status[0] + " in " + Math.round(Double.parseDouble(status[1]) * 1000)
            + " ms through the tunnel" + timingNote + "; the server said: \"" + body + "\"");
        Matcher seen = Pattern.compile("you are (\\S+)").matcher(body);
        if (seen.find()) {
            say("   the web server saw the request come from " + seen.group(1)
                + (seen.group(1).equals(AddressPlan.GATEWAY_RESOURCE_SIDE.addressText())
                    ? ", the gateway's address on the resource network: it left the tunnel at the gateway"
                    : ", which is not the gateway"));
        }
    }

    // --- screenshots, processes, files ---------------------------------------------------------------------------

    private void screenshot(String what) {
        if (framebuffer == null) {
            return;
        }
        Path png = screenshots.resolve(String.format("%d-%s.png", ++shot, what));
        try {
            Thread.sleep(1500); // let the window draw the state it was just told about
            XwdImage.toPng(framebuffer, png);
            say("   screenshot: " + png);
        } catch (IOException e) {
            say("   (no screenshot: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a process in this machine's namespace, in its own session (Ctrl-C is the demo's to handle). */
    private Process startOnHost(String label, List<String> command, Map<String, String> env, Path log) {
        List<String> full = new ArrayList<>(List.of("setsid"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
            .redirectInput(Redirect.from(new File("/dev/null"))).redirectOutput(Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            started.add(() -> NamespaceProcess.stop(process.pid(), null));
            DemoTopology.recordProcess(stateFile, label, "host", process.pid());
            return process;
        } catch (IOException e) {
            throw new StepFailed("Could not start " + command.getFirst() + ": " + e.getMessage());
        }
    }

    private static void awaitOrFail(Supplier<Boolean> condition, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new StepFailed(failure.get());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("Interrupted.");
            }
        }
    }

    /** Stops what was started, newest first, and removes the devstack; safe to call twice (Ctrl-C, then exit). */
    synchronized void tearDown() {
        if (started.isEmpty()) {
            return;
        }
        say("");
        keepLogs();
        say("Cleaning up: stopping the GUI, the tunnel service and Xvfb, and taking the devstack down");
        // With the processes recorded beside the devstack's own, for the check below.
        DevstackState everything = state == null ? null : DevstackState.load(stateFile).orElse(state);
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                say("   while cleaning up: " + e.getMessage());
            }
        }
        started.clear();
        if (everything != null) {
            List<String> left = DemoTopology.leftovers(everything);
            say(left.isEmpty() ? "   nothing of the demo is left: no namespace, interface, process or rule"
                : "   STILL THERE: " + String.join(", ", left));
        }
    }

    /** Copies every log of this run out of the run directory, which {@code down} removes. */
    private void keepLogs() {
        if (run == null || !Files.isDirectory(run)) {
            return;
        }
        Path into = logs.resolve(state.prefix().value());
        try (var files = Files.walk(run)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                Path target = into.resolve(run.relativize(file).toString().replace('/', '-'));
                Files.createDirectories(into);
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            say("The logs of every part are kept in " + into);
        } catch (IOException e) {
            say("   (could not keep the logs: " + e.getMessage() + ")");
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String value(String option, Deque<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.removeFirst();
    }
}
