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
        Usage: flint demo [--check] [--keep] [--nat TYPE] [--client-nat TYPE] [--gateway-nat TYPE] [--screenshots DIR]
                          [--mtls] [--doh]

          --check            unattended: sign in by following the sign-in page, exit 0 only if every step worked
          --keep             leave everything running until Ctrl-C (to look around)
          --nat TYPE         NAT type of both routers (default port-restricted; symmetric forces the relay)
          --client-nat TYPE, --gateway-nat TYPE
                             NAT type of one router (none, full-cone, port-restricted, symmetric); --check
                             fails when a pair that hole punching should get through ends relayed
          --screenshots DIR  where to save the GUI screenshots when there is no display (the logs go beside it)
          --mtls             the portal requires a client certificate (its mutual-TLS listener, a test CA made now);
                             the tunnel service presents one
          --doh              the portal gives clients a DNS-over-HTTPS upstream: a DoH server in the resource network
        """;

    private static final String EMAIL = "alice@flint.test";
    private static final String PASSWORD = "alice";
    private static final Duration SERVICE_READY = Duration.ofSeconds(60);
    private static final Duration SIGNED_IN = Duration.ofSeconds(120);
    /** How long a connection that started on the relay may take to move to a direct pair. */
    private static final Duration PATH_UPGRADE = Duration.ofSeconds(15);
    private static final Duration RESOURCE_REACHED = Duration.ofSeconds(60);
    private static final Pattern GUI_SHOWS = Pattern.compile("GUI shows: (phase (\\w+), (\\d+) resources.*)");
    /** Firezone hands out DNS resource proxy IPs from 100.96.0.0/11. */
    private static final Pattern PROXY_IP = Pattern.compile("100\\.(9[6-9]|1[01][0-9]|12[0-7])\\.\\d+\\.\\d+");

    private final boolean check;
    private final boolean keep;
    private final NatType clientNat;
    private final NatType gatewayNat;
    private boolean mtls;
    private boolean doh;
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

    Demo(boolean check, boolean keep, NatType clientNat, NatType gatewayNat, Path launcher, Path screenshots, Path stateFile, PrintStream out) {
        this.check = check;
        this.keep = keep;
        this.clientNat = clientNat;
        this.gatewayNat = gatewayNat;
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
        NatType clientNat = NatType.PORT_RESTRICTED_CONE;
        NatType gatewayNat = NatType.PORT_RESTRICTED_CONE;
        boolean mtls = false;
        boolean doh = false;
        Path screenshots = Path.of(System.getenv().getOrDefault("FLINT_DEMO_DIR", "flint-demo"), "screenshots");
        Path state = DemoTopology.DEFAULT_STATE;
        String launcher = System.getenv("FLINT_LAUNCHER");
        try {
            while (!rest.isEmpty()) {
                String option = rest.removeFirst();
                switch (option) {
                    case "--check" -> check = true;
                    case "--keep" -> keep = true;
                    case "--nat" -> {
                        clientNat = NatType.parse(value(option, rest));
                        gatewayNat = clientNat;
                    }
                    case "--client-nat" -> clientNat = NatType.parse(value(option, rest));
                    case "--gateway-nat" -> gatewayNat = NatType.parse(value(option, rest));
                    case "--mtls" -> mtls = true;
                    case "--doh" -> doh = true;
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
        Demo demo = new Demo(check, keep, clientNat, gatewayNat, Path.of(launcher).toAbsolutePath(), screenshots.toAbsolutePath(), state,
            System.out);
        demo.mtls = mtls;
        demo.doh = doh;
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
            step("7. What the GUI shows for the resources it used, from its own state", "Reading the GUI's resource list",
                this::guiResourceStatus);
            screenshot("resources");
            if (display().isEmpty()) {
                step("8. The tray: Flint's StatusNotifierItem in xfce4-panel, its menu open", "Opening the tray menu",
                    this::trayMenu);
                step("9. The Connections page", "Showing the Connections page", this::connectionsPage);
            }
            if (doh) {
                step("10. A name that is no resource, resolved through the portal's DNS-over-HTTPS upstream "
                    + DemoTopology.DOH_URL, "Resolving through DoH", this::dohLookup);
            }
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
        var options = new DemoTopology.Options(clientNat, gatewayNat, false, true, "fd", true, mtls, doh);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        state = DemoTopology.up(options, stateFile, quiet);
        started.add(() -> DemoTopology.down(stateFile));
        run = state.runDirectory();
        say("   namespaces " + state.prefix() + "-{client,natc,inet,portal,relay,natg,gw,res}; "
            + (clientNat == gatewayNat ? "client and gateway NAT " + clientNat.label()
                : "client NAT " + clientNat.label() + ", gateway NAT " + gatewayNat.label()));
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
        String api = mtls
            ? "wss://" + DemoTopology.PORTAL_MTLS_LISTEN.getHostString() + ":" + DemoTopology.PORTAL_MTLS_LISTEN.getPort()
                + "/"
            : "ws://" + DemoTopology.PORTAL_LISTEN.getHostString() + ":" + DemoTopology.PORTAL_LISTEN.getPort() + "/";
        List<String> command = new ArrayList<>();
        if (mtls || doh) {
            // The devstack's CA is the only one the service trusts (the portal's and the DoH server's certificates).
            command.addAll(List.of("env", "JDK_JAVA_OPTIONS=-Djavax.net.ssl.trustStore="
                + run.resolve(DemoTopology.CA_TRUST_STORE) + " -Djavax.net.ssl.trustStorePassword=changeit"
                + " -Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        command.addAll(List.of(launcher.toString(), "tunnel", "run-interactive",
            "--state-dir", stateDir.toString(), "--runtime-dir", tunnelRuntime().toString(),
            "--log-dir", run.resolve("tunnel/log").toString(), "--dns-control", "etc-resolv-conf",
            "--resolv-conf", resolvConf.toString(), "--allow-any-peer-exe", "--api-url", api));
        if (mtls) {
            command.addAll(List.of("--client-certificate", run.resolve(DemoTopology.CLIENT_CERT).toString(),
                "--client-key", run.resolve(DemoTopology.CLIENT_KEY).toString()));
        }
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
        if (mtls) {
            say("   the portal's mutual-TLS listener requires a client certificate from the devstack CA; the service"
                + " presents " + run.resolve(DemoTopology.CLIENT_CERT));
        }
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
        if (display().isEmpty()) {
            env.putAll(desktopSession(displayName));
        }
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
            + " authorization, ICE and the WireGuard handshake)");
        checkPath();
        say("   " + path());
    }

    /**
     * Hole punching gets through unless one side's NAT is symmetric and the other's filters by port (or is symmetric
     * too): then only the relay works. The path may start on the relay and move to a direct pair a moment later.
     */
    static boolean directExpected(NatType clientNat, NatType gatewayNat) {
        boolean portFiltered = false;
        for (NatType[] pair : new NatType[][] {{clientNat, gatewayNat}, {gatewayNat, clientNat}}) {
            portFiltered |= pair[0] == NatType.SYMMETRIC
                && (pair[1] == NatType.SYMMETRIC || pair[1] == NatType.PORT_RESTRICTED_CONE);
        }
        return !portFiltered;
    }

    private void checkPath() {
        boolean direct = directExpected(clientNat, gatewayNat);
        Pattern said = Pattern.compile("Client \\S+ (?:now )?connected via (relay|direct path)");
        String[] last = {null};
        // A relayed start may move to a direct pair once its checks succeed: give it a few seconds.
        awaitOrFail(() -> {
            Matcher m = said.matcher(read(run.resolve(DemoTopology.GATEWAY_PROCESS + ".log")));
            while (m.find()) {
                last[0] = m.group(1);
            }
            return !direct || "direct path".equals(last[0]);
        }, PATH_UPGRADE, () -> "With a " + clientNat.label() + " NAT at the client and a " + gatewayNat.label()
            + " NAT at the gateway the path should be direct, peer to peer, but after " + PATH_UPGRADE.toSeconds()
            + " s it is " + (last[0] == null ? "unknown" : last[0].equals("relay") ? "still relayed" : last[0]) + ".");
        say("   " + (direct ? "the path is direct, as these NATs allow"
            : "the path is relayed, as it must be: hole punching cannot get through these NATs"));
    }

    /** How the client reached the gateway, from the two sides' own logs. */
    private String path() {
        Matcher client = Pattern.compile("(?:Connected to gateway \\S+ via|Gateway \\S+ path now) NominatedPair\\[local=(\\w+) (\\S+?),?\\s.*?remote=(\\w+) "
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

    /** A non-resource name: Flint's DNS recurses it to the portal's DoH upstream, reached through the tunnel. */
    private void dohLookup() {
        NetworkNamespace client = state.namespace(Role.CLIENT);
        String name = "dns." + AddressPlan.DOMAIN;
        String expected = AddressPlan.DNS.addressText();
        String[] resolved = {""};
        awaitOrFail(() -> {
            resolved[0] = client.command("getent", "ahostsv4", name).runAllowingFailure().stdout().lines()
                .map(l -> l.split("\\s+")[0]).findFirst().orElse("");
            return resolved[0].equals(expected);
        }, RESOURCE_REACHED, () -> "In the client namespace " + name + " did not resolve to " + expected + " within "
            + RESOURCE_REACHED.toSeconds() + " s; it resolved to " + (resolved[0].isEmpty() ? "nothing" : resolved[0])
            + ".");
        String dohLog = read(run.resolve(DemoTopology.DOH_SERVER + ".log"));
        if (!dohLog.contains("DoH query")) {
            throw new StepFailed(name + " resolved, but the DoH server answered no query (its log: "
                + run.resolve(DemoTopology.DOH_SERVER + ".log") + ").");
        }
        say("   " + name + " resolved to " + expected + " (not a resource: Flint asked the DoH server, HTTP/2 over TLS, "
            + "which asked the resource network's dnsmasq)");
    }

    private void cidrResource() {
        httpGet(state.namespace(Role.CLIENT), "http://" + AddressPlan.WEB.addressText() + "/", "");
    }

    private void httpGet(NetworkNamespace client, String url, String timingNote) {
        String[] answer = {""};
        awaitOrFail(() -> {
            var result = client.command("curl", "-sS", "--max-time", "5", "-w",
                    "\\n%{http_code} %{time_total} %{time_connect}", url)
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
        if (status.length > 2) {
            say("   first packet to first reply (the TCP handshake through the tunnel): "
                + Math.round(Double.parseDouble(status[2]) * 1000) + " ms");
        }
        Matcher seen = Pattern.compile("you are (\\S+)").matcher(body);
        if (seen.find()) {
            say("   the web server saw the request come from " + seen.group(1)
                + (seen.group(1).equals(AddressPlan.GATEWAY_RESOURCE_SIDE.addressText())
                    ? ", the gateway's address on the resource network: it left the tunnel at the gateway"
                    : ", which is not the gateway"));
        }
    }

    // --- 7. the GUI's own view of the resources -------------------------------------------------------------------

    private static final Pattern GUI_RESOURCE = Pattern.compile("GUI resource: (.+) \\((\\S+)\\) \\| (.+)$", Pattern.MULTILINE);
    private static final Duration GUI_ONLINE = Duration.ofSeconds(20);

    /** The resource rows the GUI last logged, by address: "Web by name (web.flint.test) | Online · relayed · 1.2 ms". */
    private Map<String, String[]> guiResources() {
        Map<String, String[]> rows = new java.util.LinkedHashMap<>();
        Matcher m = GUI_RESOURCE.matcher(read(guiLog));
        while (m.find()) {
            rows.put(m.group(2), new String[] {m.group(1), m.group(3).strip()});
        }
        return rows;
    }

    /**
     * The two resources the demo used must be online in the GUI, with the path and the round trip its service
     * measured; "No activity" (what the GUI said before it was told the truth) fails the check.
     */
    private void guiResourceStatus() {
        List<String> used = List.of("web." + AddressPlan.DOMAIN, AddressPlan.RESOURCES.toString());
        awaitOrFail(() -> used.stream().allMatch(a -> Optional.ofNullable(guiResources().get(a))
                .map(r -> r[1].startsWith("Online \u00b7 ")).orElse(false)), GUI_ONLINE, () -> {
            List<String> said = used.stream().map(a -> Optional.ofNullable(guiResources().get(a))
                .map(r -> r[0] + " \"" + r[1] + "\"").orElse(a + " (not listed)")).toList();
            return "The GUI does not show the resources the demo used as online with a path within "
                + GUI_ONLINE.toSeconds() + " s; it shows " + String.join(" and ", said) + ".";
        });
        for (String address : used) {
            String[] row = guiResources().get(address);
            say("   the GUI lists " + row[0] + " (" + address + ") as: " + row[1]);
        }
    }

    // --- 8, 9. the tray and the Connections page -----------------------------------------------------------------

    private static final String PANEL_CONFIG = """
        <?xml version="1.0" encoding="UTF-8"?>
        <channel name="xfce4-panel" version="1.0">
          <property name="configver" type="int" value="2"/>
          <property name="panels" type="array">
            <value type="int" value="1"/>
            <property name="panel-1" type="empty">
              <property name="position" type="string" value="p=6;x=0;y=0"/>
              <property name="length" type="uint" value="100"/>
              <property name="position-locked" type="bool" value="true"/>
              <property name="size" type="uint" value="32"/>
              <property name="icon-size" type="uint" value="24"/>
              <property name="plugin-ids" type="array">
                <value type="int" value="1"/>
                <value type="int" value="2"/>
              </property>
            </property>
          </property>
          <property name="plugins" type="empty">
            <property name="plugin-1" type="string" value="separator">
              <property name="expand" type="bool" value="true"/>
              <property name="style" type="uint" value="0"/>
            </property>
            <property name="plugin-2" type="string" value="systray">
              <property name="square-icons" type="bool" value="true"/>
            </property>
          </property>
        </channel>
        """;

    /**
     * A small desktop session on the Xvfb display, as a login would give one: a private session bus, the user's
     * keyring unlocked (gnome-keyring, as PAM unlocks it at login), and xfce4-panel, whose Status Tray plugin is a
     * StatusNotifierItem host. Returns the environment the GUI runs with.
     */
    private Map<String, String> desktopSession(String displayName) {
        Path home = run.resolve("desktop");
        Path runtime = home.resolve("runtime");
        Path bus = home.resolve("session-bus");
        write(home.resolve("config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml"), PANEL_CONFIG);
        try {
            Files.createDirectories(runtime);
            Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new java.util.HashMap<>();
        env.put("DISPLAY", displayName);
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + bus);
        for (String tool : List.of("dbus-daemon", "xfce4-panel", "xdotool")) {
            if (!onPath(tool)) {
                throw new StepFailed(tool + " is not installed, so the demo cannot show the tray (./flint demo installs it).");
            }
        }
        Process daemon = startOnHost("session-bus", List.of("dbus-daemon", "--session", "--nofork", "--nopidfile",
            "--address=unix:path=" + bus), env, run.resolve("session-bus.log"));
        awaitOrFail(() -> Files.exists(bus) || !daemon.isAlive(), Duration.ofSeconds(10), () ->
            "The session bus did not start (its log: " + run.resolve("session-bus.log") + ").");
        if (onPath("gnome-keyring-daemon")) {
            startOnHost("keyring", List.of("sh", "-c", "printf %s flint-demo | exec gnome-keyring-daemon --foreground"
                + " --unlock --components=secrets"), env, run.resolve("keyring.log"));
        }
        Process panel = startOnHost("xfce4-panel", List.of("xfce4-panel", "--disable-wm-check"), env,
            run.resolve("xfce4-panel.log"));
        awaitOrFail(() -> onBus(env, "org.kde.StatusNotifierWatcher") || !panel.isAlive(), Duration.ofSeconds(30), () ->
            "xfce4-panel's Status Tray did not appear on the session bus (its log: " + run.resolve("xfce4-panel.log") + ").");
        if (!panel.isAlive()) {
            throw new StepFailed("xfce4-panel exited: " + lastLines(read(run.resolve("xfce4-panel.log")), 3));
        }
        say("   a desktop session on " + displayName + ": a private session bus, "
            + (onPath("gnome-keyring-daemon") ? "the keyring unlocked as at login, " : "")
            + "and xfce4-panel with its Status Tray (a StatusNotifierItem host) at the top of the screen");
        desktopEnv = env;
        return env;
    }

    private Map<String, String> desktopEnv;

    private static boolean onBus(Map<String, String> env, String name) {
        return run(env, "dbus-send", "--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner", "string:" + name).contains("boolean true");
    }

    /** Runs a desktop tool (dbus-send, xdotool) and returns what it printed, empty if it failed to start. */
    private static String run(Map<String, String> env, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** The tray icon sits at the right end of the panel (its only other plugin is an expanding spacer). */
    private int[] trayIcon() {
        String ids = run(desktopEnv, "xdotool", "search", "--onlyvisible", "--class", "xfce4-panel").strip();
        for (String id : ids.lines().toList()) {
            Map<String, Integer> g = new java.util.HashMap<>();
            run(desktopEnv, "xdotool", "getwindowgeometry", "--shell", id.strip()).lines().forEach(l -> {
                String[] kv = l.split("=");
                if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                    g.put(kv[0], Integer.parseInt(kv[1]));
                }
            });
            if (g.getOrDefault("WIDTH", 0) > 600) {
                return new int[] {g.get("X") + g.get("WIDTH") - 17, g.get("Y") + g.get("HEIGHT") / 2};
            }
        }
        throw new StepFailed("xfce4-panel's window was not found on the display.");
    }

    /**
     * Right-clicks Flint's icon (the host shows the dbusmenu), then walks down with the keyboard, which skips
     * disabled items and separators (Sign out, Disconnect, the Internet Resource, Resource network, Web by name),
     * and opens Web by name's submenu, where its status, path and round trip are.
     */
    private void trayMenu() {
        int[] icon = trayIcon();
        run(desktopEnv, "xdotool", "mousemove", String.valueOf(icon[0]), String.valueOf(icon[1]), "click", "3");
        pause(1000);
        for (int i = 0; i < 5; i++) {
            run(desktopEnv, "xdotool", "key", "Down");
            pause(150);
        }
        run(desktopEnv, "xdotool", "key", "Right");
        pause(800);
        say("   right-clicked Flint's tray icon at " + icon[0] + "," + icon[1] + " and opened Web by name's submenu");
        screenshot("tray-menu");
        for (int i = 0; i < 3; i++) {
            run(desktopEnv, "xdotool", "key", "Escape");
            pause(150);
        }
    }

    /** Clicks "Connections" in the window's sidebar (a fixed place in Flint's layout). */
    private void connectionsPage() {
        String ids = run(desktopEnv, "xdotool", "search", "--onlyvisible", "--name", "^Flint$").strip();
        if (ids.isEmpty()) {
            throw new StepFailed("Flint's window was not found on the display.");
        }
        String id = ids.lines().toList().getLast().strip();
        Map<String, Integer> g = new java.util.HashMap<>();
        run(desktopEnv, "xdotool", "getwindowgeometry", "--shell", id).lines().forEach(l -> {
            String[] kv = l.split("=");
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                g.put(kv[0], Integer.parseInt(kv[1]));
            }
        });
        run(desktopEnv, "xdotool", "mousemove", String.valueOf(g.getOrDefault("X", 0) + 65),
            String.valueOf(g.getOrDefault("Y", 0) + 118), "click", "1");
        pause(500);
        say("   opened the Connections page in Flint's window");
        screenshot("connections");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            started.add(() -> {
                // Helpers it started (a session bus's activated services, a panel's plugins) go first.
                process.descendants().forEach(child -> NamespaceProcess.stop(child.pid(), null));
                NamespaceProcess.stop(process.pid(), null);
            });
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
