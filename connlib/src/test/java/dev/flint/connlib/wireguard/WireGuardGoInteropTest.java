package dev.flint.connlib.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine against the real Debian {@code wireguard-go} in a network namespace of its own: wireguard-go serves a
 * TUN interface 10.99.0.1 whose kernel answers pings; {@link InteropDriver} runs the engine in a second JVM in the
 * same namespace on loopback UDP. Covers both initiators, PSK, padding, and the byte counters {@code wg show}
 * reports. The full TUN shell has its own interop tests; this one pins the engine alone.
 */
@Tag("privileged")
class WireGuardGoInteropTest {
    /**
     * How long the real processes (wireguard-go, the driver's JVM) may take to get ready or finish: seconds on an
     * idle machine, many times that on a loaded one; the waits end as soon as they are done.
     */
    static final Duration PATIENCE = Duration.ofMinutes(2);
    private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private final String namespace = "flwgeng" + suffix;
    private final String iface = "flwg" + suffix;
    private Path dir;
    private Process wireguardGo;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(onPath("wireguard-go") && onPath("wg") && onPath("ip"), "needs wireguard-go, wireguard-tools, iproute2");
        dir = Files.createTempDirectory("flint-wg-interop");
        run("ip", "netns", "add", namespace);
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        var pb = new ProcessBuilder("ip", "netns", "exec", namespace, "wireguard-go", "-f", iface)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("wireguard-go.log").toFile());
        pb.environment().put("WG_PROCESS_FOREGROUND", "1");
        wireguardGo = pb.start();
        Path socket = Path.of("/var/run/wireguard/" + iface + ".sock");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Files.exists(socket) && wireguardGo.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(socket).as("wireguard-go's UAPI socket; its log: %s",
            Files.readString(dir.resolve("wireguard-go.log"))).exists();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (wireguardGo != null) {
            wireguardGo.destroy();
            if (!wireguardGo.waitFor(5, TimeUnit.SECONDS)) {
                wireguardGo.destroyForcibly();
            }
        }
        if (dir != null) {
            new ProcessBuilder("ip", "netns", "del", namespace).start().waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void flintInitiatesWithAPresharedKey() throws Exception {
        Keys keys = configure(true, false);
        List<String> output = drive("initiate", keys, null);
        assertCountersMatch(output, keys);
    }

    @Test
    void wireguardGoInitiates() throws Exception {
        Keys keys = configure(false, true);
        List<String> output = drive("respond", keys, () -> run("ip", "netns", "exec", namespace,
                "ping", "-c", "3", "-i", "0.3", "-w", Long.toString(PATIENCE.toSeconds()), "10.99.0.2"));
        assertThat(output).anyMatch(l -> l.contains("HandshakeCompleted") && l.contains("asInitiator=false"));
        assertCountersMatch(output, keys);
    }

    private record Keys(WireGuardKey ours, WireGuardKey theirs, WireGuardKey psk) {}

    private Keys configure(boolean withPsk, boolean withEndpoint) throws Exception {
        var random = new SecureRandom();
        var keys = new Keys(WireGuardKey.generatePrivate(random), WireGuardKey.generatePrivate(random),
                withPsk ? WireGuardKey.generatePreshared(random) : null);
        Files.writeString(dir.resolve("key"), keys.theirs().toBase64());
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "wg", "set", iface,
                "private-key", dir.resolve("key").toString(), "listen-port", "51820",
                "peer", keys.ours().publicKey().toBase64(), "allowed-ips", "10.99.0.2/32"));
        if (withPsk) {
            Files.writeString(dir.resolve("psk"), keys.psk().toBase64());
            cmd.addAll(List.of("preshared-key", dir.resolve("psk").toString()));
        }
        if (withEndpoint) {
            cmd.addAll(List.of("endpoint", "127.0.0.1:51999"));
        }
        run(cmd.toArray(String[]::new));
        run("ip", "-n", namespace, "addr", "add", "10.99.0.1/24", "dev", iface);
        run("ip", "-n", namespace, "link", "set", iface, "up");
        return keys;
    }

    private interface Action {
        void run() throws Exception;
    }

    private List<String> drive(String mode, Keys keys, Action whenReady) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process driver = new ProcessBuilder("ip", "netns", "exec", namespace, java,
                "-cp", System.getProperty("java.class.path"), InteropDriver.class.getName(), mode,
                keys.ours().toBase64(), keys.theirs().publicKey().toBase64(),
                keys.psk() == null ? "-" : keys.psk().toBase64(), "51820", "51999")
                .redirectErrorStream(true)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!lines.contains("ready") && driver.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(lines).as("the driver to say it is ready").contains("ready");
            if (whenReady != null) {
                whenReady.run();
            }
            // The driver gives up by itself after InteropDriver.PATIENCE; this only guards against a hung JVM.
            assertThat(driver.waitFor(PATIENCE.toSeconds() + 60, TimeUnit.SECONDS)).as("driver finished: %s", lines)
                .isTrue();
            reader.join(5000);
            assertThat(driver.exitValue()).as("driver output %s", lines).isZero();
            return lines;
        } finally {
            driver.destroyForcibly();
        }
    }

    /** Our rx/tx equal wireguard-go's tx/rx as {@code wg show dump} reports them, and it saw a handshake. */
    private void assertCountersMatch(List<String> output, Keys keys) throws Exception {
        String counters = output.stream().filter(l -> l.startsWith("rx=")).findFirst().orElseThrow();
        long ourRx = Long.parseLong(counters.replaceAll("^rx=(\\d+) .*", "$1"));
        long ourTx = Long.parseLong(counters.replaceAll("^rx=\\d+ tx=(\\d+) .*", "$1"));
        String dump = run("ip", "netns", "exec", namespace, "wg", "show", iface, "dump");
        String[] peerLine = dump.lines().skip(1).findFirst().orElseThrow().split("\t");
        assertThat(peerLine[0]).isEqualTo(keys.ours().publicKey().toBase64());
        assertThat(Long.parseLong(peerLine[4])).as("latest handshake").isPositive();
        assertThat(Long.parseLong(peerLine[5])).as("wireguard-go rx").isEqualTo(ourTx);
        assertThat(Long.parseLong(peerLine[6])).as("wireguard-go tx").isEqualTo(ourRx);
        assertThat(counters).contains("drops=DropCounters{}");
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
