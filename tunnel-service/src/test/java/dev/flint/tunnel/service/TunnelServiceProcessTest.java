package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.UnixSocket;
import dev.flint.netns.Command;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.tunnel.FlintTunnel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service as a separate process in a network namespace with its own resolv.conf, driven over
 * the real socket: what it sets up for a session, and that nothing is left after the GUI or the
 * service itself dies.
 */
@Tag("privileged")
class TunnelServiceProcessTest {
    static final String TUN = "tun-flint";

    Topology net;
    NetworkNamespace ns;
    Path resolvConf;
    byte[] originalResolvConf;
    Path dir;
    Path socket;
    Path staticInterface;

    @BeforeEach
    void namespace() throws IOException {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("svc");
        ns = net.namespace("tun");
        ns.writeResolvConf(List.of(InetAddress.getByName("192.0.2.53")), List.of("home.example"));
        resolvConf = Path.of("/etc/netns", ns.name(), "resolv.conf");
        net.onClose("remove /etc/netns/" + ns.name(), () -> {
            try {
                Files.deleteIfExists(resolvConf);
                Files.deleteIfExists(resolvConf.getParent());
            } catch (IOException ignored) {
                // best effort
            }
        });
        originalResolvConf = Files.readAllBytes(resolvConf);
        dir = net.runDirectory();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("run/tunnel.sock");
        staticInterface = dir.resolve("interface.conf");
        Files.writeString(staticInterface, """
                address = 100.64.0.7
                address = fd00:2021:1111::7
                route = 100.64.0.0/11
                route = 10.99.0.0/16
                route = fd00:2021:1111::/107
                dns = 100.100.111.1
                dns = fd00:2021:1111:8000:100:100:111:0
                search = corp.example
                """);
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    NamespaceProcess startService() {
        NamespaceProcess service = net.start(ns, "service", JavaCommand.forMain(FlintTunnel.class, List.of(
                "run-interactive", "--allow-any-peer-exe", "--dns-control", "etc-resolv-conf",
                "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
                "--log-dir", dir.resolve("log").toString(), "--static-interface", staticInterface.toString())));
        // Readiness from the log, not a probe connection: a probe would briefly be "the GUI".
        await("the service socket", () -> service.recentOutput().contains("listening on") && Files.exists(socket),
                RealTimeWait.GENEROUS, service);
        return service;
    }

    /** Waits for a real process to get somewhere; a failure shows what it printed last. */
    static void await(String what, BooleanSupplier condition, Duration limit, NamespaceProcess process) {
        RealTimeWait.until(what, limit, condition, () -> process == null ? "" : process.recentOutput());
    }

    boolean tunExists() {
        return ns.command("ip", "link", "show", TUN).runAllowingFailure().ok();
    }

    String routes(String family) {
        return ns.command("ip", family, "route", "show", "table", "all").runAllowingFailure().stdout();
    }

    String rules(String family) {
        return ns.command("ip", family, "rule", "show").runAllowingFailure().stdout();
    }

    boolean clean() {
        try {
            return !tunExists() && !routes("-4").contains(TUN) && !routes("-6").contains(TUN)
                    && !rules("-4").contains("0xfd002021") && !rules("-6").contains("0xfd002021")
                    && java.util.Arrays.equals(Files.readAllBytes(resolvConf), originalResolvConf);
        } catch (IOException e) {
            return false;
        }
    }

    void assertUp() throws IOException {
        String addresses = ns.ip("addr", "show", "dev", TUN);
        assertThat(addresses).contains("100.64.0.7/32").contains("fd00:2021:1111::7/128").contains("mtu 1280");
        // Resource routes live in Flint's table, entered by every packet not carrying Flint's mark.
        String table = ns.ip("-4", "route", "show", "table", "0x2021fd00");
        assertThat(table).contains("100.64.0.0/11 dev " + TUN).contains("10.99.0.0/16 dev " + TUN);
        assertThat(ns.ip("-6", "route", "show", "table", "0x2021fd00")).contains("fd00:2021:1111::/107 dev " + TUN);
        assertThat(ns.ip("-4", "route", "show")).doesNotContain(TUN);
        assertThat(rules("-4")).contains("100:").contains("not from all fwmark 0xfd002021 lookup 539098368");
        assertThat(rules("-6")).contains("not from all fwmark 0xfd002021 lookup 539098368");
        String dns = Files.readString(resolvConf);
        assertThat(dns).contains("nameserver 100.100.111.1").contains("nameserver fd00:2021:1111:8000:100:100:111:0")
                .contains("search corp.example").doesNotContain("192.0.2.53");
    }

    NamespaceProcess startGui() {
        return net.start(ns, "gui", JavaCommand.forMain(TestGui.class, List.of(socket.toString())));
    }

    @Test
    void killedGuiLeavesNothingBehind() throws Exception {
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui();
        await("the tunnel", this::tunExists, RealTimeWait.GENEROUS, service);
        await("DNS", () -> !clean() && resolvConfChanged(), RealTimeWait.GENEROUS, service);
        assertUp();
        assertThat(Files.exists(dir.resolve("state/cleanup-journal.json"))).isTrue();

        new ProcessBuilder("kill", "-9", Long.toString(gui.pid())).start().waitFor();
        await("clean-up after the GUI's death", this::clean, RealTimeWait.GENEROUS, service);
        assertThat(Files.exists(dir.resolve("state/cleanup-journal.json"))).isFalse();
        assertThat(service.isAlive()).isTrue();

        // The service is still serving: a new GUI gets Hello and a tunnel again.
        NamespaceProcess second = startGui();
        await("the tunnel for a new GUI", this::tunExists, RealTimeWait.GENEROUS, service);
        // A second service on the same socket refuses to start and leaves the first one's tunnel alone.
        Command.Result duplicate = Command.of(JavaCommand.forMain(FlintTunnel.class, List.of("run-interactive",
                "--allow-any-peer-exe", "--dns-control", "etc-resolv-conf",
                "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
                "--log-dir", dir.resolve("log2").toString()))).inNamespace(ns.name()).runAllowingFailure();
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.stderr()).contains("could not start").contains("another server is listening");
        assertThat(tunExists()).isTrue();
        assertThat(resolvConfChanged()).isTrue();
        await("the tunnel for a new GUI", this::tunExists, RealTimeWait.GENEROUS, service);
        second.close();
        await("clean-up after the new GUI", this::clean, RealTimeWait.GENEROUS, service);
    }

    boolean resolvConfChanged() {
        try {
            return !java.util.Arrays.equals(Files.readAllBytes(resolvConf), originalResolvConf);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void killedServiceIsRepairedByTheNextStart() throws Exception {
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui();
        await("DNS", this::resolvConfChanged, RealTimeWait.GENEROUS, service);
        await("the tunnel", this::tunExists, RealTimeWait.GENEROUS, service);

        new ProcessBuilder("kill", "-9", Long.toString(service.pid())).start().waitFor();
        await("the service to die", () -> !service.isAlive(), RealTimeWait.GENEROUS, service);
        // The kernel removed the TUN device with its last descriptor; resolv.conf is still rewritten.
        await("the TUN device to vanish", () -> !tunExists(), RealTimeWait.GENEROUS, service);
        assertThat(resolvConfChanged()).isTrue();
        assertThat(rules("-4")).as("the rule outlives the device").contains("0xfd002021");
        assertThat(Files.exists(dir.resolve("state/cleanup-journal.json"))).isTrue();
        gui.close();

        NamespaceProcess restarted = startService();
        await("repair after restart", this::clean, RealTimeWait.GENEROUS, restarted);
        assertThat(Files.exists(dir.resolve("state/cleanup-journal.json"))).isFalse();
    }

    @Test
    void sigtermTellsTheGuiAndExitsCleanly() throws Exception {
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui();
        await("the tunnel", this::tunExists, RealTimeWait.GENEROUS, service);
        await("DNS", this::resolvConfChanged, RealTimeWait.GENEROUS, service);

        new ProcessBuilder("kill", "-TERM", Long.toString(service.pid())).start().waitFor();
        await("the service to exit", () -> !service.isAlive(), RealTimeWait.GENEROUS, service);
        assertThat(service.exitCode()).as(service.recentOutput()).isZero();
        await("the GUI to see the end", () -> gui.recentOutput().contains("eof"), RealTimeWait.GENEROUS, gui);
        assertThat(gui.recentOutput()).contains("received terminating_gracefully");
        assertThat(clean()).isTrue();
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void peerOutsideTheGroupIsRefused() throws Exception {
        NamespaceProcess service = startService();
        Files.setPosixFilePermissions(dir.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // nobody with group root may open the 0660 socket, so the refusal is the service's own check.
        String client = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sys.argv[1])
                data = s.recv(65536)
                print("got %d bytes" % len(data))
                """;
        Command.Result result = Command.of("setpriv", "--reuid=65534", "--regid=0", "--clear-groups",
                "/usr/bin/python3", "-c", client, socket.toString()).runAllowingFailure();
        assertThat(result.ok()).as(result.stderr()).isTrue();
        assertThat(result.stdout()).contains("got 0 bytes");
        String log = Files.readString(dir.resolve("log/tunnel-service.log"));
        assertThat(log).contains("Refused a connection from").contains("uid=65534");

        try (IpcConnection<ServiceMessage, GuiMessage> root = IpcConnection.guiSide(UnixSocket.connect(socket))) {
            assertThat(root.receive()).isInstanceOf(DecodeResult.Decoded.class);
        }
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void badFramesLeaveTheServiceServing() throws Exception {
        NamespaceProcess service = startService();
        List<byte[]> garbage = new ArrayList<>();
        garbage.add("{".getBytes(StandardCharsets.UTF_8));
        garbage.add("{\"type\":\"launch_missiles\"}".getBytes(StandardCharsets.UTF_8));
        garbage.add("{\"type\":\"connect\",\"token\":42}".getBytes(StandardCharsets.UTF_8));
        garbage.add("[]".getBytes(StandardCharsets.UTF_8));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            garbage.add(junk);
        }
        try (UnixSocket raw = UnixSocket.connect(socket);
             IpcConnection<ServiceMessage, GuiMessage> reader = IpcConnection.guiSide(raw)) {
            assertThat(reader.receive()).isInstanceOf(DecodeResult.Decoded.class); // Hello
            for (byte[] frame : garbage) {
                raw.writeFully(ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array());
                DecodeResult<ServiceMessage> reply = reader.receive();
                assertThat(reply).isInstanceOfSatisfying(DecodeResult.Decoded.class,
                        d -> assertThat(d.message()).isInstanceOf(ServiceMessage.ProtocolError.class));
            }
            // An oversize length prefix: this connection is closed, the service is not.
            raw.writeFully(ByteBuffer.allocate(4).putInt(64 << 20).array());
            assertThat(reader.receive()).isInstanceOf(DecodeResult.EndOfStream.class);
        }
        try (IpcConnection<ServiceMessage, GuiMessage> next = IpcConnection.guiSide(UnixSocket.connect(socket))) {
            assertThat(next.receive()).isInstanceOfSatisfying(DecodeResult.Decoded.class,
                    d -> assertThat(d.message()).isInstanceOf(ServiceMessage.Hello.class));
        }
        assertThat(service.isAlive()).isTrue();
    }

    static ServiceMessage next(IpcConnection<ServiceMessage, GuiMessage> gui) throws IOException {
        DecodeResult<ServiceMessage> result = gui.receive();
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<ServiceMessage>) result).message();
    }

    @Test
    void oneGuiAtATimeAndTheGuiCommandsWork() throws Exception {
        NamespaceProcess service = startService();
        try (IpcConnection<ServiceMessage, GuiMessage> gui = IpcConnection.guiSide(UnixSocket.connect(socket))) {
            ServiceMessage.Hello hello = (ServiceMessage.Hello) next(gui);
            assertThat(hello.deviceId()).isEqualTo(Files.readString(dir.resolve("state/device_id")).strip());

            try (IpcConnection<ServiceMessage, GuiMessage> second = IpcConnection.guiSide(UnixSocket.connect(socket))) {
                assertThat(next(second)).isInstanceOfSatisfying(ServiceMessage.Disconnected.class,
                        d -> assertThat(d.reason()).contains("already connected"));
                assertThat(second.receive()).isInstanceOf(DecodeResult.EndOfStream.class);
            }

            gui.send(new GuiMessage.Connect("token", false));
            assertThat(next(gui)).isEqualTo(ServiceMessage.ConnectResult.ok());
            assertThat(next(gui)).isInstanceOf(ServiceMessage.ResourcesUpdated.class);
            assertUp();
            gui.send(new GuiMessage.Connect("token", false));
            assertThat(next(gui)).isInstanceOfSatisfying(ServiceMessage.ConnectResult.class,
                    r -> assertThat(r.succeeded()).isFalse());

            dev.flint.ipc.AdvancedSettings settings = new dev.flint.ipc.AdvancedSettings(
                    java.net.URI.create("https://auth.corp.example/"), java.net.URI.create("wss://api.corp.example/"),
                    "debug");
            gui.send(new GuiMessage.ApplyAdvancedSettings(settings));
            assertThat(next(gui)).isEqualTo(ServiceMessage.AdvancedSettingsApplied.ok(settings));
            assertThat(Files.readString(dir.resolve("state/advanced_settings.json"))).contains("api.corp.example");

            gui.send(new GuiMessage.ClearLogs());
            assertThat(next(gui)).isEqualTo(ServiceMessage.LogsCleared.ok());

            // Disconnect without signing out: the OS is restored, the GUI stays connected.
            gui.send(new GuiMessage.Disconnect());
            assertThat(next(gui)).isInstanceOf(ServiceMessage.DisconnectedGracefully.class);
            assertThat(clean()).isTrue();
            gui.send(new GuiMessage.Connect("token", true));
            assertThat(next(gui)).isEqualTo(ServiceMessage.ConnectResult.ok());
            // Resources are reported once the interface is configured.
            assertThat(next(gui)).isInstanceOf(ServiceMessage.ResourcesUpdated.class);
            assertThat(tunExists()).isTrue();
        }
        await("clean-up after the GUI closed", this::clean, RealTimeWait.GENEROUS, service);
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void headlessRunsASessionUntilSigterm() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "headless-token\n");
        NamespaceProcess headless = net.start(ns, "headless", JavaCommand.forMain(FlintTunnel.class, List.of(
                "headless", "--token-file", token.toString(), "--dns-control", "etc-resolv-conf",
                "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
                "--log-dir", dir.resolve("log").toString(), "--static-interface", staticInterface.toString())));
        await("the tunnel", this::tunExists, RealTimeWait.GENEROUS, headless);
        await("DNS", this::resolvConfChanged, RealTimeWait.GENEROUS, headless);
        assertUp();
        assertThat(Files.exists(socket)).isFalse();
        new ProcessBuilder("kill", "-TERM", Long.toString(headless.pid())).start().waitFor();
        await("the service to exit", () -> !headless.isAlive(), RealTimeWait.GENEROUS, headless);
        assertThat(headless.exitCode()).isZero();
        assertThat(clean()).isTrue();
    }

    @Test
    void headlessSaysWhatItLacksInASentence() throws Exception {
        Command.Result result = Command.of(JavaCommand.forMain(FlintTunnel.class, List.of("headless",
                "--state-dir", dir.resolve("state").toString(), "--log-dir", dir.resolve("log").toString(),
                "--runtime-dir", dir.resolve("run").toString())))
                .inNamespace(ns.name()).runAllowingFailure();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("needs a token");

        // A development API URL that cannot be a portal's is refused in a sentence, before anything starts.
        Command.Result badUrl = Command.of(JavaCommand.forMain(FlintTunnel.class, List.of("headless",
                "--state-dir", dir.resolve("state").toString(), "--log-dir", dir.resolve("log").toString(),
                "--runtime-dir", dir.resolve("run").toString(), "--dns-control", "disabled",
                "--api-url", "ftp://portal.example/", "--token-file", writeToken().toString())))
                .inNamespace(ns.name()).runAllowingFailure();
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.stderr()).contains("--api-url must be an http(s) or ws(s) URL").doesNotContain("Exception");
    }

    Path writeToken() throws IOException {
        return Files.writeString(dir.resolve("token"), "a-token");
    }
}
