package dev.flint.devstack.bench;

import dev.flint.netns.Command;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NetworkNamespace;
import dev.flint.devstack.topology.AddressPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The reference tunnel: wireguard-go with {@code wg} in the client and the gateway namespaces, over their IPv6 LAN
 * addresses (routed directly when both NATs are "none"), MTU 1280 like Flint's tunnel. The client routes the
 * resource network into it with a specific route; the gateway masquerades what leaves the tunnel, as Flint's
 * gateway does, with an nftables table of its own. {@link #close} undoes every step, newest first.
 */
final class WireGuardGoPair implements AutoCloseable {

    static final String CLIENT_ADDRESS = "192.168.77.2";
    static final String GATEWAY_ADDRESS = "192.168.77.1";
    static final int PORT = 51820;
    static final int MTU = 1280;
    private static final String NFT_TABLE = "flint_bench";
    private static final Path UAPI = Path.of("/var/run/wireguard");
    private static final Duration READY = Duration.ofSeconds(20);

    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final String clientInterface;
    private NamespaceProcess clientProcess;
    private NamespaceProcess gatewayProcess;

    private WireGuardGoPair(String clientInterface) {
        this.clientInterface = clientInterface;
    }

    /**
     * Brings the pair up; interface names are {@code interfacePrefix} + "c" / "g" (the wireguard-go control sockets
     * in /var/run/wireguard are shared by all namespaces, so the names must be unique on the machine).
     */
    static WireGuardGoPair up(NetworkNamespace client, NetworkNamespace gateway, String interfacePrefix, Path dir) {
        WireGuardGoPair pair = new WireGuardGoPair(interfacePrefix + "c");
        try {
            pair.build(client, gateway, interfacePrefix + "g", dir);
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    private void build(NetworkNamespace client, NetworkNamespace gateway, String gatewayInterface, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        undo.push(() -> deleteDirectory(dir));
        Path clientKey = writeKey(dir.resolve("client.key"));
        Path gatewayKey = writeKey(dir.resolve("gateway.key"));

        clientProcess = side(client, clientInterface, clientKey, publicKey(gatewayKey),
            AddressPlan.RESOURCES + "," + GATEWAY_ADDRESS + "/32", AddressPlan.GATEWAY6.addressText(), CLIENT_ADDRESS);
        gatewayProcess = side(gateway, gatewayInterface, gatewayKey, publicKey(clientKey), CLIENT_ADDRESS + "/32",
            AddressPlan.CLIENT6.addressText(), GATEWAY_ADDRESS);

        // The gateway hands what leaves the tunnel to the resource network under its own address.
        gateway.nft("""
            table inet %s {
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                iifname "%s" oifname != "%s" masquerade
              }
            }
            """.formatted(NFT_TABLE, gatewayInterface, gatewayInterface));
        undo.push(() -> gateway.command("nft", "delete", "table", "inet", NFT_TABLE).runAllowingFailure());

        client.ip("route", "add", AddressPlan.RESOURCES.toString(), "dev", clientInterface);
        undo.push(() -> client.command("ip", "route", "del", AddressPlan.RESOURCES.toString(), "dev", clientInterface)
            .runAllowingFailure());
    }

    /** One side: wireguard-go in the foreground, configured with wg, its address, MTU and link up. */
    private NamespaceProcess side(NetworkNamespace ns, String ifname, Path privateKey, String peerPublicKey,
                                  String allowedIps, String peerAddress6, String tunnelAddress) {
        NamespaceProcess process = ns.start("wireguard-go " + ifname, List.of("wireguard-go", "-f", ifname));
        Path socket = UAPI.resolve(ifname + ".sock");
        undo.push(() -> {
            process.close();
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Files.exists(socket) || !ns.links().contains(ifname)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("wireguard-go exited in " + ns.name() + " (code " + process.exitCode()
                    + "): " + process.recentOutput().strip());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("wireguard-go did not create " + ifname + " in " + ns.name()
                    + " within " + READY.toSeconds() + " s");
            }
            sleep(50);
        }
        ns.exec("wg", "set", ifname, "private-key", privateKey.toString(), "listen-port", Integer.toString(PORT),
            "peer", peerPublicKey, "allowed-ips", allowedIps, "endpoint", "[" + peerAddress6 + "]:" + PORT);
        ns.ip("addr", "add", tunnelAddress + "/24", "dev", ifname);
        ns.ip("link", "set", ifname, "mtu", Integer.toString(MTU), "up");
        return process;
    }

    String clientInterface() {
        return clientInterface;
    }

    long clientPid() {
        return clientProcess.pid();
    }

    long gatewayPid() {
        return gatewayProcess.pid();
    }

    /**
     * Stops both sides and removes the route, the nftables table, the control sockets and the keys. Synchronized:
     * on Ctrl-C the bench's exit hook and its main thread may both close the pair.
     */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Path writeKey(Path file) {
        String key = Command.of("wg", "genkey").run().strip();
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, key + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static String publicKey(Path privateKey) {
        try {
            return Command.of("wg", "pubkey").withStdin(Files.readString(privateKey)).run().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteDirectory(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path each : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
