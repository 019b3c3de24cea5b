package dev.flint.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.devstack.topology.AddressPlan;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.PseudoRandomBytes;
import dev.flint.devstack.topology.Role;
import dev.flint.netns.NatType;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relayed scenarios on one devstack: IPv4 only ({@code --ipv4-only}), symmetric NATs on both sides (so no
 * direct path exists and every byte goes through coturn), and two relays. The tunnel service runs headless. A 20 MB
 * download (50 MB in the long form) with its SHA-256 and no WARN or ERROR lines; then the relay the gateway uses is killed while a download
 * runs, and the connection moves to the other relay; then that relay restarts without anyone being told, and both ends
 * allocate on it again.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ScenarioResults.class)
class RelayScenariosTest {
    static final long MB = 1_000_000;
    static final long DOWNLOAD = (CoreScenariosTest.LONG ? 50 : 20) * MB;
    static final long SLOW = 8 * MB;
    static final InetAddress WEB_ADDRESS = InetAddress.ofLiteral("172.20.0.10");
    /** The gateway's report of a path: "connected via relay (198.18.0.10:49200 -> 198.18.0.11:49311)". */
    static final Pattern PATH = Pattern.compile("connected via (relay|direct path) \\((\\S+?):\\d+ -> (\\S+?):\\d+\\)");

    ScenarioStack stack;
    ClientHost client;

    @BeforeAll
    void up() {
        ScenarioStack.assumeSupported();
        stack = ScenarioStack.up(new ScenarioStack.Options("rly", NatType.SYMMETRIC, NatType.SYMMETRIC, false, true));
        client = new ClientHost(stack.namespace(Role.CLIENT));
        stack.startService(ScenarioStack.ServiceMode.HEADLESS, stack.token("alice@flint.test", Duration.ofDays(7)));
    }

    @AfterAll
    void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void ipv4OnlyDownloadRelayedThroughSymmetricNatsOnBothSides() {
        client.awaitReachable("web.flint.test through the relays", "http://web.flint.test/");
        assertThat(client.namespace().ip("-6", "addr", "show", "dev", "eth0")).doesNotContain("inet6 fd10");
        Instant start = Instant.now();
        String sha = client.curlSha256("http://web.flint.test/random?n=" + DOWNLOAD + "&seed=11", ScenarioStack.WAIT);
        Duration took = Duration.between(start, Instant.now());
        assertThat(sha).isEqualTo(PseudoRandomBytes.sha256(11, DOWNLOAD));
        assertThat(lastPath()).as("the path the gateway reported").isNotNull().startsWith("relay");
        ScenarioResults.note(DOWNLOAD / MB + " MB relayed (IPv4 only, symmetric NAT both sides) in " + CoreScenariosTest.seconds(took)
            + " (" + CoreScenariosTest.mbits(DOWNLOAD, took) + ")");
    }

    @Test
    @Order(2)
    void noWarnOrErrorLinesInACleanRun() {
        assertThat(stack.warnings("service", "gateway")).isEmpty();
    }

    @Test
    @Order(3)
    void whenTheRelayInUseDiesTheConnectionMovesToTheOther() throws Exception {
        String path = lastPath();
        String relay = path.split(" ")[1];
        assertThat(relay).as("the gateway's end of the path is on a relay").isIn(AddressPlan.RELAY.addressText(),
            AddressPlan.RELAY2.addressText());
        String coturn = relay.equals(AddressPlan.RELAY.addressText()) ? DemoTopology.COTURN : DemoTopology.COTURN2;
        String survivor = relay.equals(AddressPlan.RELAY.addressText()) ? AddressPlan.RELAY2.addressText()
            : AddressPlan.RELAY.addressText();

        AtomicBoolean slow = new AtomicBoolean(true);
        CompletableFuture<ClientHost.Download> flow = ClientHost.inBackground(() ->
            client.download(WEB_ADDRESS, "172.20.0.10", SLOW, 12, slow::get));
        ScenarioStack.sleep(Duration.ofSeconds(2));
        Instant killed = Instant.now();
        killRelay(coturn);
        ScenarioStack.await("the gateway to report a path on the surviving relay " + survivor + " only", () -> {
            String now = lastPath();
            return now != null && now.startsWith("relay") && !now.contains(relay + " ") && !now.endsWith(relay);
        }, () -> ScenarioStack.tail(stack.log("gateway")));
        ScenarioResults.note("moved to the other relay " + CoreScenariosTest.seconds(Duration.between(killed,
            Instant.now())) + " after kill -9 of " + coturn);
        client.awaitReachable("the resources through the surviving relay", "http://web.flint.test/");
        slow.set(false);
        ClientHost.Download d = flow.get(ScenarioStack.WAIT.toSeconds(), TimeUnit.SECONDS);
        ClientHost.assertIntact("the download across the relay's death", d, SLOW, 12);
        ScenarioResults.note("longest stall of the download across the failover "
            + CoreScenariosTest.seconds(d.longestStall()));
    }

    @Test
    @Order(4)
    void whenTheRelayInUseRestartsUnnoticedBothEndsAllocateAgainAndTheResourcesComeBack() throws Exception {
        String relay = lastPath().split(" ")[1];
        boolean first = relay.equals(AddressPlan.RELAY.addressText());
        String label = first ? DemoTopology.COTURN : DemoTopology.COTURN2;
        long pid = stack.state().process(label).orElseThrow().pid();
        List<String> command = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        // The same coturn at the same addresses with the same secret, back within a second: the portal's relay watch
        // misses fewer answers than it needs to call a relay gone, so no device is told. Every allocation is lost.
        Instant restarted = Instant.now();
        killRelay(label);
        stack.detached(stack.namespace(first ? Role.RELAY : Role.RELAY2), label, command);
        client.awaitReachable("the resources once both ends allocated again on the restarted relay",
            "http://web.flint.test/");
        ScenarioResults.note("resources reachable again " + CoreScenariosTest.seconds(Duration.between(restarted,
            Instant.now())) + " after " + label + " restarted and forgot every allocation");
        assertThat(lastPath()).as("the path the gateway reported last").startsWith("relay");
    }

    /** kill -9 of the coturn process recorded as {@code label} in the devstack's state. */
    void killRelay(String label) {
        long pid = stack.state().processes().stream().filter(p -> p.label().equals(label)).findFirst().orElseThrow()
            .pid();
        dev.flint.netns.Command.of("kill", "-KILL", Long.toString(pid)).run();
        ScenarioStack.await(label + " to die", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true),
            () -> "");
    }

    /** "relay 198.18.0.10 198.18.0.11": the kind and the two relays' addresses of the last path the gateway reported. */
    String lastPath() {
        Matcher m = PATH.matcher(stack.log("gateway"));
        String last = null;
        while (m.find()) {
            last = m.group(1) + " " + m.group(2) + " " + m.group(3);
        }
        return last;
    }
}
