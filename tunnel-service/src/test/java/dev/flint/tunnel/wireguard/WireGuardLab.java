package dev.flint.tunnel.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.netns.Command;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.tunnel.FlintTunnel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two network namespaces joined by a veth cable ({@code 192.168.77.1} and {@code .2}), each with a
 * WireGuard interface: {@code a} runs Flint as a separate process ({@code flint-tunnel wireguard}),
 * {@code b} runs Debian's wireguard-go configured with {@code wg}. Tunnel addresses are
 * {@code 10.99.0.1} (Flint) and {@code 10.99.0.2}. Closing removes processes, sockets and namespaces.
 */
final class WireGuardLab implements AutoCloseable {

    static final String FLINT_IP = "10.99.0.1";
    static final String GO_IP = "10.99.0.2";
    static final int FLINT_PORT = 51820;
    static final int GO_PORT = 51821;

    final Topology net;
    final NetworkNamespace a;
    final NetworkNamespace b;
    final String flintIf;
    final String goIf;
    final WireGuardKey flintKey;
    final WireGuardKey goKey;
    final Path dir;
    NamespaceProcess flint;
    NamespaceProcess wireguardGo;

    static void assumeSupported() {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        assumeThat(onPath("wireguard-go") && onPath("wg")).as("wireguard-go and wireguard-tools installed").isTrue();
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin", program)) || Files.isExecutable(Path.of("/usr/sbin", program));
    }

    WireGuardLab() throws IOException {
        net = Topology.create("wgi");
        try {
            a = net.namespace("a");
            b = net.namespace("b");
            net.veth(a, "veth0", b, "veth0").up();
            a.addAddress("veth0", IpPrefix.parse("192.168.77.1/24"));
            b.addAddress("veth0", IpPrefix.parse("192.168.77.2/24"));
            String p = net.prefix().value();
            flintIf = p + "f";
            goIf = p + "g";
            SecureRandom random = new SecureRandom();
            flintKey = WireGuardKey.generatePrivate(random);
            goKey = WireGuardKey.generatePrivate(random);
            dir = Files.createTempDirectory("flint-wg-");
            net.onClose("remove " + dir, () -> {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // A temporary directory left behind harms nothing.
                }
            });
            net.onClose("remove stale UAPI sockets", () -> {
                try {
                    Files.deleteIfExists(UapiServer.DIRECTORY.resolve(flintIf + ".sock"));
                    Files.deleteIfExists(UapiServer.DIRECTORY.resolve(goIf + ".sock"));
                } catch (IOException ignored) {
                    // Nothing to do.
                }
            });
        } catch (RuntimeException | IOException e) {
            net.close();
            throw e;
        }
    }

    /** The Flint configuration with the wireguard-go side as its one peer. */
    String flintConfig(WireGuardKey psk, boolean withEndpoint, String extraPeerLines) {
        return """
            [Interface]
            PrivateKey = %s
            Address = %s/24
            ListenPort = %d

            [Peer]
            PublicKey = %s
            AllowedIPs = %s/32
            %s%s%s
            """.formatted(flintKey.toBase64(), FLINT_IP, FLINT_PORT, goKey.publicKey().toBase64(), GO_IP,
            withEndpoint ? "Endpoint = 192.168.77.2:" + GO_PORT + "\n" : "",
            psk == null ? "" : "PresharedKey = " + psk.toBase64() + "\n", extraPeerLines);
    }

    void startFlint(String config) throws IOException {
        Path file = dir.resolve("flint.conf");
        Files.writeString(file, config);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
            FlintTunnel.class.getName(), "wireguard", file.toString(), "--interface", flintIf));
        flint = net.start(a, "flint", cmd);
        Path socket = UapiServer.DIRECTORY.resolve(flintIf + ".sock");
        RealTimeWait.until("Flint to report " + flintIf + " up", RealTimeWait.GENEROUS,
            () -> flint.recentOutput().contains(flintIf + " is up") || !flint.isAlive(), flint::recentOutput);
        assertThat(socket).exists();
        assertThat(flint.isAlive()).as("Flint is running; its output:\n" + flint.recentOutput()).isTrue();
    }

    void startWireguardGo(WireGuardKey psk, boolean withEndpoint) throws IOException {
        wireguardGo = net.start(b, "wireguard-go", List.of("env", "WG_PROCESS_FOREGROUND=1", "wireguard-go", goIf));
        Path socket = UapiServer.DIRECTORY.resolve(goIf + ".sock");
        RealTimeWait.until("wireguard-go's socket", RealTimeWait.GENEROUS,
            () -> Files.exists(socket) || !wireguardGo.isAlive(), wireguardGo::recentOutput);
        Path key = dir.resolve("go.key");
        Files.writeString(key, goKey.toBase64() + "\n");
        List<String> set = new ArrayList<>(List.of("wg", "set", goIf, "private-key", key.toString(),
            "listen-port", String.valueOf(GO_PORT), "peer", flintKey.publicKey().toBase64(),
            "allowed-ips", FLINT_IP + "/32"));
        if (withEndpoint) {
            set.addAll(List.of("endpoint", "192.168.77.1:" + FLINT_PORT));
        }
        if (psk != null) {
            Path pskFile = dir.resolve("go.psk");
            Files.writeString(pskFile, psk.toBase64() + "\n");
            set.addAll(List.of("preshared-key", pskFile.toString()));
        }
        b.exec(set.toArray(String[]::new));
        b.ip("addr", "add", GO_IP + "/24", "dev", goIf);
        b.ip("link", "set", goIf, "up");
    }

    /** {@code ping} from a namespace; true if any reply came back. */
    static boolean ping(NetworkNamespace from, String to, int count) {
        return from.command("ping", "-c", String.valueOf(count), "-W", "2", "-i", "0.3", to)
            .runAllowingFailure().ok();
    }

    /** Pings until a reply comes, for up to {@code timeout} (the first handshake may need a retry). */
    static boolean pingUntilReply(NetworkNamespace from, String to, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ping(from, to, 1)) {
                return true;
            }
        }
        return false;
    }

    /** One peer line of {@code wg show IF dump}, by field name. */
    static Map<String, String> dumpPeer(String iface) {
        String[] lines = Command.of("wg", "show", iface, "dump").run().strip().split("\n");
        assertThat(lines).as("wg show %s dump", iface).hasSizeGreaterThanOrEqualTo(2);
        String[] f = lines[1].split("\t");
        return Map.of("public-key", f[0], "preshared-key", f[1], "endpoint", f[2], "allowed-ips", f[3],
            "latest-handshake", f[4], "rx", f[5], "tx", f[6], "keepalive", f[7]);
    }


    @Override
    public void close() {
        net.close();
    }
}
