package dev.flint.devstack.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The demo topology as a test fixture (tag {@code gwt}): both sites behind NATs of one type, coturn, dnsmasq and the
 * web server on the resource network, the portal emulator (sample config, the topology's relay secret) in the portal
 * namespace, and the gateway started exactly as {@code flint devstack up} starts it, as its own process in the
 * gateway namespace.
 */
final class GatewayStack implements AutoCloseable {
    static final URI API = URI.create("ws://198.18.0.5:8081");
    static final String GATEWAY_TOKEN = "change-me-gateway-token";
    static final Duration WAIT = RealTimeWait.GENEROUS;

    private final Path stateFile;
    private DevstackState state;
    private PortalEmulator portal;
    private PortalConfig config;
    private NamespaceProcess gateway;

    private GatewayStack(Path stateFile) {
        this.stateFile = stateFile;
    }

    /** Skips the calling test class unless root with iproute2, TUN, coturn, dnsmasq and nftables. */
    static void assumeSupported() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v dnsmasq && command -v nft")
            .runAllowingFailure().ok(), "needs coturn, dnsmasq-base and nftables");
    }

    static GatewayStack up(NatType nat) throws Exception {
        return up(nat, nat);
    }

    /** The stack with the client's router of one NAT type and the gateway's of another. */
    static GatewayStack up(NatType clientNat, NatType gatewayNat) throws Exception {
        GatewayStack stack = new GatewayStack(Topology.RUN_ROOT.resolve("gwt-" + UUID.randomUUID() + ".state"));
        try {
            stack.start(clientNat, gatewayNat);
            return stack;
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    private void start(NatType clientNat, NatType gatewayNat) throws Exception {
        state = DemoTopology.up(new DemoTopology.Options(clientNat, gatewayNat, false, true, "gwt"), stateFile,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        PortalConfig sample = PortalConfigReader.parse(PortalMain.sample());
        config = new PortalConfig(sample.listen(), sample.tokenLifetime(), sample.signingSecret(),
            state.relaySecret(), sample.relays(), sample.accounts());
        portal = namespace(Role.PORTAL).call(() -> PortalEmulator.start(config));
        gateway = namespace(Role.GATEWAY).start("gateway", JavaCommand.forMain(GatewayMain.class,
            GatewayMain.JVM_OPTIONS, List.of("--api-url", API.toString(), "--token", GATEWAY_TOKEN)));
        awaitOutput("Joined the portal");
    }

    /** Stops the portal emulator and starts a fresh one (no sessions, no grants) on the same address. */
    void restartPortal() throws Exception {
        portal.close();
        portal = namespace(Role.PORTAL).call(() -> PortalEmulator.start(config));
    }

    NetworkNamespace namespace(Role role) {
        return state.namespace(role);
    }

    PortalEmulator portal() {
        return portal;
    }

    NamespaceProcess gateway() {
        return gateway;
    }

    String token(String email) {
        return portal.issueToken("demo", email, "n" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** Waits until the gateway has printed {@code text}; fails early if it exited. */
    void awaitOutput(String text) throws InterruptedException, java.io.IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!gateway.recentOutput().contains(text)) {
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway exited (" + gateway.exitCode() + "):\n" + gateway.recentOutput());
            }
            if (System.nanoTime() > deadline) {
                // For whoever reads the failure: what the gateway's threads and both ends' sockets were doing.
                String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
                java.nio.file.Files.writeString(Path.of("target", "gateway-threads.txt"),
                    Command.of(jcmd, Long.toString(gateway.pid()), "Thread.print").runAllowingFailure().stdout()
                    + "\n--- gw\n" + namespace(Role.GATEWAY).exec("ss", "-tanp")
                    + "\n--- portal\n" + namespace(Role.PORTAL).exec("ss", "-tanp"));
                throw new AssertionError("the gateway did not say '" + text + "':\n" + gateway.recentOutput());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** The path the gateway last said a client is connected on: "relay", "direct path", or null before any. */
    String lastPath() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Client \\S+ (?:now )?connected via (relay|direct path)")
            .matcher(gateway.recentOutput());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    @Override
    public void close() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            try {
                if (portal != null) {
                    portal.close();
                }
            } finally {
                DemoTopology.down(stateFile);
            }
        }
    }
}
