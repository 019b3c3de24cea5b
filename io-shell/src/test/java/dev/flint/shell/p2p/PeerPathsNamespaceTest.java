package dev.flint.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.connlib.ice.CandidateType;
import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.turn.RelayCredentials;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.netns.Command;
import dev.flint.netns.Coturn;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.netns.NatRouter;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.netns.TurnCredentials;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Client and gateway {@link PeerNode}s in network namespaces, each behind its own (or no) nftables
 * NAT router, with coturn as the relay (TURN REST credentials, realm firezone, port 3478). ICE picks
 * the path, WireGuard handshakes over it, and 10 MB cross it with a checksum.
 */
@Tag("privileged")
class PeerPathsNamespaceTest {
    private static final InetAddress RELAY_IP = IpPrefix.parse("198.18.2.20").address();
    private static final int TRANSFER_BYTES = 10 * 1024 * 1024;
    private static final int CHUNK = 1200;

    @BeforeAll
    static void requirements() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v nft").runAllowingFailure().ok(),
                "needs coturn and nftables");
    }

    @Test
    void publicHostsConnectDirectly() throws Exception {
        run(null, null, PathType.DIRECT);
    }

    @Test
    void clientBehindPortRestrictedNatConnectsServerReflexive() throws Exception {
        run(NatType.PORT_RESTRICTED_CONE, null, PathType.SERVER_REFLEXIVE);
    }

    @Test
    void clientAndGatewayBehindSymmetricNatsConnectThroughTheRelay() throws Exception {
        run(NatType.SYMMETRIC, NatType.SYMMETRIC, PathType.RELAYED);
    }

    private void run(NatType clientNat, NatType gatewayNat, PathType expected) throws Exception {
        try (Topology net = Topology.create("ic")) {
            NetworkNamespace internet = net.namespace("i");
            internet.enableForwarding();
            NetworkNamespace relayNs = net.namespace("t");
            net.veth(internet, "t0", relayNs, "eth0").up();
            internet.addAddress("t0", IpPrefix.parse("198.18.2.1/24"));
            relayNs.addAddress("eth0", new IpPrefix(RELAY_IP, 24));
            relayNs.addDefaultRoute(IpPrefix.parse("198.18.2.1").address());

            Host clientHost = side(net, internet, "c", 3, clientNat);
            Host gatewayHost = side(net, internet, "g", 4, gatewayNat);

            Coturn coturn = Coturn.start(net, relayNs, Coturn.Config.of("flint-ice-secret", RELAY_IP));

            WireGuardKey clientKey = WireGuardKey.generatePrivate(new SecureRandom());
            WireGuardKey gatewayKey = WireGuardKey.generatePrivate(new SecureRandom());
            Instant expiry = Instant.now().plus(Duration.ofHours(1));
            Relay clientRelay = relay(coturn, expiry, clientKey);
            Relay gatewayRelay = relay(coturn, expiry, gatewayKey);

            Side client = new Side(clientHost.ns(), clientHost.ip(), clientKey, false);
            Side gateway = new Side(gatewayHost.ns(), gatewayHost.ip(), gatewayKey, true);
            try (client; gateway) {
                client.shell.submit((n, now) -> {
                    n.updateRelays(List.of(), List.of(clientRelay), now);
                    return null;
                }).get();
                gateway.shell.submit((n, now) -> {
                    n.updateRelays(List.of(), List.of(gatewayRelay), now);
                    return null;
                }).get();
                client.awaitRelayed();
                gateway.awaitRelayed();

                UUID cid = UUID.randomUUID();
                WireGuardKey psk = WireGuardKey.generatePreshared(new SecureRandom());
                IceCredentials clientCreds = new IceCredentials("clnt", "clientpasswordxxxxxxxx");
                IceCredentials gatewayCreds = new IceCredentials("gate", "gatewaypasswordxxxxxxx");
                assertThat(gateway.shell.submit((n, now) -> n.upsertConnection(cid, clientKey.publicKey(), psk,
                        gatewayCreds, clientCreds, IceRole.CONTROLLED, now)).get()).isTrue();
                assertThat(client.shell.submit((n, now) -> n.upsertConnection(cid, gatewayKey.publicKey(), psk,
                        clientCreds, gatewayCreds, IceRole.CONTROLLING, now)).get()).isTrue();

                signalUntilEstablished(cid, client, gateway);

                byte[] data = new byte[TRANSFER_BYTES];
                new SplittableRandom(42).nextBytes(data);
                long started = System.nanoTime();
                byte[] received = transfer(cid, client, gateway, data);
                double seconds = (System.nanoTime() - started) / 1e9;
                // Informational only; timings never decide a test.
                System.out.printf("p2p %s path: 10 MiB in %.2f s (%.1f Mbit/s)%n", expected, seconds,
                        TRANSFER_BYTES * 8 / seconds / 1e6);
                assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
                // Asked after the transfer, once every candidate signalled since the connection came up has been
                // delivered: a check can arrive before the candidate it came from, which then shows as
                // peer-reflexive until that candidate is signalled.
                forwardCandidates(cid, gateway, client);
                forwardCandidates(cid, client, gateway);
                NominatedPair clientPath = client.shell.submit((n, now) -> n.path(cid).orElseThrow()).get();
                assertThat(clientPath.pathType()).as("client path %s", clientPath).isEqualTo(expected);
                NominatedPair gatewayPath = gateway.shell.submit((n, now) -> n.path(cid).orElseThrow()).get();
                assertThat(gatewayPath.pathType()).as("gateway path %s", gatewayPath).isEqualTo(expected);
            }
        }
    }

    /** A host namespace on the internet, directly or behind a NAT router; returns the host's own address. */
    private record Host(NetworkNamespace ns, InetAddress ip) {
    }

    private static Host side(Topology net, NetworkNamespace internet, String name, int n, NatType nat) {
        NetworkNamespace host = net.namespace(name);
        InetAddress wanGateway = IpPrefix.parse("198.18." + n + ".1").address();
        if (nat == null) {
            net.veth(internet, name + "0", host, "eth0").up();
            internet.addAddress(name + "0", IpPrefix.parse("198.18." + n + ".1/24"));
            host.addAddress("eth0", IpPrefix.parse("198.18." + n + ".10/24"));
            host.addDefaultRoute(wanGateway);
            return new Host(host, IpPrefix.parse("198.18." + n + ".10").address());
        }
        NetworkNamespace router = net.namespace(name + "r");
        net.veth(internet, name + "0", router, "wan").up();
        internet.addAddress(name + "0", IpPrefix.parse("198.18." + n + ".1/24"));
        router.addAddress("wan", IpPrefix.parse("198.18." + n + ".2/24"));
        router.addDefaultRoute(wanGateway);
        net.veth(router, "lan", host, "eth0").up();
        router.addAddress("lan", IpPrefix.parse("10." + n + ".0.1/24"));
        host.addAddress("eth0", IpPrefix.parse("10." + n + ".0.10/24"));
        host.addDefaultRoute(IpPrefix.parse("10." + n + ".0.1").address());
        NatRouter.install(router, nat, "lan", "wan", null);
        return new Host(host, IpPrefix.parse("10." + n + ".0.10").address());
    }

    private static Relay relay(Coturn coturn, Instant expiry, WireGuardKey key) {
        TurnCredentials c = coturn.credentials(expiry, TurnCredentials.saltForPublicKey(key.publicKey().toBase64()));
        return new Relay(UUID.nameUUIDFromBytes(RELAY_IP.getAddress()),
                List.of(new InetSocketAddress(RELAY_IP, Relay.PORT)), new RelayCredentials(c.username(), c.password()));
    }

    /** Plays the portal: forwards candidates both ways until the client's connection is established. */
    private static NominatedPair signalUntilEstablished(UUID cid, Side client, Side gateway) throws Exception {
        long deadline = System.nanoTime() + RealTimeWait.GENEROUS.toNanos();
        while (System.nanoTime() < deadline) {
            forwardCandidates(cid, gateway, client);
            PeerEvent e = client.events.poll(20, TimeUnit.MILLISECONDS);
            if (e == null) {
                continue;
            }
            switch (e) {
                case PeerEvent.NewIceCandidate(UUID id, String c) -> gateway.shell.submit((n, now) -> {
                    n.addRemoteCandidate(cid, c, now);
                    return null;
                });
                case PeerEvent.ConnectionEstablished(UUID id, NominatedPair path) -> {
                    return path;
                }
                case PeerEvent.ConnectionFailed f -> throw new AssertionError("connection failed: " + f.reason());
                default -> {
                }
            }
        }
        throw new AssertionError("the client's connection was not established within "
                + RealTimeWait.GENEROUS.toSeconds() + " s");
    }

    private static void forwardCandidates(UUID cid, Side from, Side to) {
        for (PeerEvent e = from.events.poll(); e != null; e = from.events.poll()) {
            if (e instanceof PeerEvent.NewIceCandidate(UUID id, String c)) {
                to.shell.submit((n, now) -> {
                    n.addRemoteCandidate(cid, c, now);
                    return null;
                });
            }
        }
    }

    /** Go-back-N over the WireGuard session: data packets from the client, cumulative acks from the gateway. */
    private static byte[] transfer(UUID cid, Side client, Side gateway, byte[] data) throws Exception {
        int chunks = (data.length + CHUNK - 1) / CHUNK;
        ByteArrayOutputStream received = new ByteArrayOutputStream(data.length);
        int[] expectedSeq = {0};
        gateway.onPacket = p -> {
            ByteBuffer b = ByteBuffer.wrap(p.packet(), 20, p.packet().length - 20);
            if (b.get() != 'D') {
                return;
            }
            int seq = b.getInt();
            if (seq == expectedSeq[0]) {
                received.write(p.packet(), 25, p.packet().length - 25);
                expectedSeq[0]++;
            }
            gateway.shell.send(cid, List.of(packet((byte) 'A', expectedSeq[0], new byte[0], 0, 0)));
        };
        int window = 64;
        int base = 0;
        int next = 0;
        long lastProgress = System.nanoTime();
        // 10 MiB take seconds on an idle machine, relayed ones included; a loaded one may take many times that.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (base < chunks) {
            assertThat(System.nanoTime()).as("transfer finished in time, acked %d of %d", base, chunks).isLessThan(deadline);
            List<byte[]> batch = new ArrayList<>();
            while (next < chunks && next < base + window) {
                int off = next * CHUNK;
                batch.add(packet((byte) 'D', next, data, off, Math.min(CHUNK, data.length - off)));
                next++;
            }
            if (!batch.isEmpty()) {
                client.shell.send(cid, batch).get();
            }
            DecryptedPacket ack = client.packets.poll(10, TimeUnit.MILLISECONDS);
            int before = base;
            while (ack != null) {
                ByteBuffer b = ByteBuffer.wrap(ack.packet(), 20, ack.packet().length - 20);
                if (b.get() == 'A') {
                    base = Math.max(base, b.getInt());
                }
                ack = client.packets.poll();
            }
            if (base > before) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(300)) {
                next = base;
                lastProgress = System.nanoTime();
            }
        }
        return received.toByteArray();
    }

    /** A minimal IPv4/UDP-numbered packet so WireGuard's inner-length check sees a real header. */
    private static byte[] packet(byte type, int seq, byte[] data, int off, int len) {
        int total = 20 + 5 + len;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) 253).putShort((short) 0);
        b.put(new byte[] {100, 64, 0, 2}).put(new byte[] {100, 64, 0, 1});
        b.put(type).putInt(seq).put(data, off, len);
        return b.array();
    }

    private static final class Side implements AutoCloseable {
        final LinkedBlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<DecryptedPacket> packets = new LinkedBlockingQueue<>();
        volatile java.util.function.Consumer<DecryptedPacket> onPacket = packets::add;
        final PeerSocketShell shell;

        Side(NetworkNamespace ns, InetAddress ip, WireGuardKey key, boolean server) throws Exception {
            DatagramChannel channel = ns.call(() -> DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(ip, 52625)));
            PeerNode node = new PeerNode(key, server, new SecureRandom(), Instant.now());
            shell = PeerSocketShell.start(node, List.of(channel), events::add, p -> onPacket.accept(p), ns.name());
        }

        void awaitRelayed() throws Exception {
            long deadline = System.nanoTime() + RealTimeWait.GENEROUS.toNanos();
            while (System.nanoTime() < deadline) {
                boolean relayed = shell.submit((n, now) -> n.relayCandidates().values().stream().flatMap(List::stream)
                        .anyMatch(c -> c.type() == CandidateType.RELAYED)).get();
                if (relayed) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no relayed candidate from coturn within " + RealTimeWait.GENEROUS.toSeconds() + " s");
        }

        @Override
        public void close() {
            shell.close();
        }
    }
}
