package dev.flint.devstack.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.devstack.Devstack;
import dev.flint.netns.Command;
import dev.flint.netns.Created;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("privileged")
class DemoTopologyTest {

    private Path stateFile;
    private Set<String> rootLinksBefore;

    @BeforeAll
    static void requireTools() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v dnsmasq && command -v iperf3 && command -v nft")
            .runAllowingFailure().ok(), "needs coturn, dnsmasq-base, iperf3 and nftables");
    }

    @BeforeEach
    void stateFile() {
        stateFile = Topology.RUN_ROOT.resolve("test-" + UUID.randomUUID() + ".state");
        rootLinksBefore = Set.copyOf(rootLinks());
    }

    @AfterEach
    void downAnyway() {
        DemoTopology.down(stateFile);
    }

    @ParameterizedTest
    @EnumSource(value = NatType.class, names = {"NONE", "PORT_RESTRICTED_CONE", "SYMMETRIC"})
    void clientReachesTheWebServerByNameThroughItsNatAndDownLeavesNothing(NatType clientNat) throws Exception {
        DevstackState state = DemoTopology.up(new DemoTopology.Options(clientNat, NatType.NONE, true, false, "dt"),
            stateFile, quiet());
        NetworkNamespace client = state.namespace(Role.CLIENT);

        // The client's resolver (its per-namespace resolv.conf) asks the resource network's dnsmasq.
        assertThat(client.exec("getent", "hosts", "web.flint.test")).startsWith("172.20.0.10");
        assertThat(client.exec("getent", "hosts", "anything.wild.flint.test")).startsWith("172.20.0.10");
        assertThat(client.command("getent", "hosts", "missing.flint.test").runAllowingFailure().ok()).isFalse();

        String page = httpGet(client, "172.20.0.10", "web.flint.test");
        String seenAs = clientNat == NatType.NONE ? "10.10.1.2" : "198.18.0.2";
        assertThat(page).contains("200 OK", "flint devstack resource web.flint.test", "you are " + seenAs);

        assertThat(DemoTopology.status(stateFile)).contains("coturn", "running").doesNotContain("MISSING", "NOT RUNNING");
        assertDownLeavesNothing(state);
    }

    @Test
    void withNatsTheResourcesAreReachableOnlyFromTheGatewayAndTheCliDrivesItAll() throws Exception {
        assertThat(Devstack.run("up", "--state", stateFile.toString(), "--nat", "symmetric")).isZero();
        DevstackState state = DevstackState.load(stateFile).orElseThrow();
        assertThat(state.clientNat()).isEqualTo(NatType.SYMMETRIC);
        assertThat(Devstack.run("up", "--state", stateFile.toString())).as("a second up is refused").isEqualTo(1);

        // The portal emulator runs with this run's secrets, reachable from this namespace through its door, and the
        // gateway has joined it.
        assertThat(state.processes()).extracting(Created.Process::label)
            .contains(DemoTopology.PORTAL_PROCESS, DemoTopology.PORTAL_DOOR, DemoTopology.GATEWAY_PROCESS);
        String portalConfig = Files.readString(state.runDirectory().resolve(DemoTopology.PORTAL_CONFIG));
        assertThat(portalConfig).contains("\"" + state.relaySecret() + "\"",
            "\"" + DemoTopology.gatewayToken(state) + "\"").doesNotContain("change-me");
        assertThat(httpOverUnixSocket(state.runDirectory().resolve(DemoTopology.PORTAL_SOCKET),
            "/demo?as=gui-client&nonce=n&state=s")).contains("200 OK", "Sign in to Flint Demo");
        assertThat(Files.readString(state.runDirectory().resolve(DemoTopology.GATEWAY_PROCESS + ".log")))
            .contains("Joined the portal as gateway of account demo");
        assertThat(state.namespace(Role.GATEWAY).exec("nft", "list", "tables")).contains("flint_gateway");
        assertThat(DemoTopology.status(stateFile)).contains("portal", "gateway").doesNotContain("NOT RUNNING");

        NetworkNamespace client = state.namespace(Role.CLIENT);
        NetworkNamespace gateway = state.namespace(Role.GATEWAY);
        assertThatThrownBy(() -> httpGet(client, "172.20.0.10", "web.flint.test"))
            .as("no route to the resources without a tunnel").isInstanceOf(SocketException.class)
            .hasMessageContaining("unreachable");
        assertThat(gateway.exec("getent", "hosts", "iperf.flint.test")).startsWith("172.20.0.11");
        assertThat(httpGet(gateway, "172.20.0.10", "web.flint.test")).contains("you are 172.20.0.1");
        // The relay is on the internet, reachable from behind the client's NAT in both families.
        assertThat(client.exec("ping", "-c", "1", "-W", "5", "198.18.0.10")).contains("1 received");
        assertThat(client.exec("ping", "-6", "-c", "1", "-W", "5", "2001:db8:18::10")).contains("1 received");
        assertThat(state.namespace(Role.RELAY).isListening(NetworkNamespace.Transport.UDP,
            new InetSocketAddress(AddressPlan.RELAY6.address(), 3478))).isTrue();

        assertThat(Devstack.run("down", "--state", stateFile.toString())).isZero();
        assertNothingLeft(state);
        assertThat(Devstack.run("down", "--state", stateFile.toString())).as("down twice is fine").isZero();
    }

    @Test
    void interruptingUpRemovesWhatWasBuilt() throws Exception {
        // Ctrl-C's signal with its default handling: a build started in the background (as in `./flint test &`)
        // hands its processes SIGINT ignored, and a JVM keeps an ignored SIGINT ignored, so `up` would finish.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(JavaCommand.forMain(Devstack.class, List.of("up", "--state", stateFile.toString())));
        Process up = new ProcessBuilder(command).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
        DevstackState partial = null;
        try {
            while (up.isAlive() && partial == null) {
                partial = DevstackState.load(stateFile)
                    .filter(s -> s.created().stream().anyMatch(Created.Namespace.class::isInstance)).orElse(null);
                Thread.sleep(10);
            }
            assertThat(partial).as("up recorded its first namespace").isNotNull();
            Command.of("kill", "-INT", Long.toString(up.pid())).run();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(up.exitValue()).as("ended by the signal, not finished").isNotZero();
        } finally {
            up.destroyForcibly();
        }
        assertThat(Files.exists(stateFile)).isFalse();
        assertThat(NetworkNamespace.list()).noneMatch(partial.prefix()::owns);
        assertThat(Files.exists(partial.runDirectory())).isFalse();
    }

    @Test
    void anUpThatFailsHalfWayRemovesWhatItBuilt(@TempDir Path bin) throws Exception {
        // A real failure late in the build: every tool is on the PATH except coturn's turnserver.
        for (String tool : List.of("ip", "nft", "sysctl", "ss", "setsid", "dnsmasq", "iperf3")) {
            Path target = Path.of(Command.of("sh", "-c", "command -v " + tool).run().strip());
            Files.createSymbolicLink(bin.resolve(tool), target);
        }
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.forMain(Devstack.class,
            List.of("up", "--state", stateFile.toString()))).redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        Process up = builder.start();
        String output = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(up.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(up.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("coturn exited", "turnserver");
        String prefix = output.lines().filter(l -> l.contains("namespaces fd")).findFirst().orElseThrow()
            .replaceAll(".*namespaces (fd[a-z0-9]{5})-.*", "$1");
        assertThat(NetworkNamespace.list()).noneMatch(name -> name.startsWith(prefix + "-"));
        assertThat(Files.exists(Topology.RUN_ROOT.resolve(prefix))).isFalse();
        assertThat(Files.exists(stateFile)).isFalse();
    }

    private void assertDownLeavesNothing(DevstackState state) {
        assertThat(DemoTopology.down(stateFile)).isTrue();
        assertNothingLeft(state);
    }

    private void assertNothingLeft(DevstackState state) {
        assertThat(NetworkNamespace.list()).noneMatch(state.prefix()::owns);
        assertThat(state.processes()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(p ->
            assertThat(NamespaceProcess.isRunning(p.pid(), null)).as(p.label()).isFalse());
        assertThat(DemoTopology.leftovers(state)).isEmpty();
        assertThat(Files.exists(stateFile)).isFalse();
        assertThat(Files.exists(state.runDirectory())).isFalse();
        for (Role role : Role.values()) {
            assertThat(Files.exists(Path.of("/etc/netns", state.namespace(role).name()))).isFalse();
        }
        List<String> appeared = rootLinks().stream().filter(l -> !rootLinksBefore.contains(l)).toList();
        assertThat(appeared).as("links of ours in the root namespace")
            .doesNotContainAnyElementsOf(List.of("br0", "wan", "lan", "eth0", "res", "natc", "natg", "relay", "portal"));
        assertThat(Command.of("nft", "list", "tables").run()).doesNotContain("flint_nat", "flint_gateway");
    }

    private static List<String> rootLinks() {
        return Command.of("ip", "-o", "link", "show").run().lines()
            .map(line -> line.split(":\\s+", 3)[1].split("@", 2)[0]).toList();
    }

    /** A plain HTTP/1.0 GET over a socket opened inside {@code namespace}. */
    private static String httpGet(NetworkNamespace namespace, String address, String host) throws Exception {
        // java.net.Socket creates its file descriptor on connect, so connect inside the namespace.
        Socket socket = namespace.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(address, 80), (int) RealTimeWait.GENEROUS.toMillis());
            return s;
        });
        try (socket) {
            socket.setSoTimeout((int) RealTimeWait.GENEROUS.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A plain HTTP/1.0 GET over a Unix socket (the portal's door). */
    private static String httpOverUnixSocket(Path socket, String path) throws Exception {
        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: portal\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
