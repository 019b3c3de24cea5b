package dev.flint.connlib.peer;

import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.sim.SimRelay;
import dev.flint.connlib.sim.VirtualNetwork;
import dev.flint.connlib.sim.VirtualNetwork.Nat;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Bare {@link PeerNode}s on a {@link VirtualNetwork} (NATs, relays, latency, loss, virtual time), with a portal
 * that forwards ICE candidates between two connected hosts.
 */
final class SimNetwork {
    static final Duration LATENCY = VirtualNetwork.LATENCY;

    final class Host {
        final PeerNode node;
        final InetSocketAddress local;
        final Nat nat;
        final InetAddress publicIp;
        final VirtualNetwork.Host socket;
        final List<PeerEvent> events = new ArrayList<>();
        final List<DecryptedPacket> packets = new ArrayList<>();
        Host peer;
        int stunSent;

        Host(PeerNode node, InetSocketAddress local, Nat nat, InetAddress publicIp) {
            this.node = node;
            this.local = local;
            this.nat = nat;
            this.publicIp = publicIp;
            this.socket = network.addHost(local, nat, publicIp,
                    (at, from, payload) -> node.handleNetworkInput(at, from, payload, 0, payload.length, now));
        }

        void outbound(InetSocketAddress to, byte[] payload) {
            if (dev.flint.connlib.stun.StunCodec.looksLikeStun(payload, 0, payload.length)) {
                stunSent++;
            }
            sync();
            socket.send(to, payload);
        }
    }

    final SplittableRandom random;
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    final VirtualNetwork network;
    double loss;
    final List<Host> hosts = new ArrayList<>();
    final List<SimRelay> relays;
    final Set<InetAddress> unreachable;
    /** While set, datagrams between two hosts are lost; relays still reach everyone (a firewall between sites). */
    boolean directBlocked;

    SimNetwork(long seed) {
        this.random = new SplittableRandom(seed);
        this.network = new VirtualNetwork(random, () -> now);
        this.relays = network.relays;
        this.unreachable = network.unreachable;
    }

    Host addHost(String ip, Nat nat, String publicIp, boolean server) {
        PeerNode node = new PeerNode(WireGuardKey.generatePrivate(random.split()), server, random.split(), now);
        Host h = new Host(node, new InetSocketAddress(ip, 52625), nat, publicIp == null ? null : addr(publicIp));
        hosts.add(h);
        return h;
    }

    SimRelay addRelay(String ip) {
        return network.addRelay(ip);
    }

    static Relay relayFor(SimRelay r) {
        return VirtualNetwork.relayFor(r);
    }

    static InetAddress addr(String ip) {
        return VirtualNetwork.addr(ip);
    }

    /** The tests switch loss and the firewall on this object. */
    private void sync() {
        network.loss = loss;
        network.directBlocked = directBlocked;
    }

    void run(Duration d) {
        Instant end = now.plus(d);
        while (true) {
            sync();
            drain();
            Instant next = network.nextDelivery();
            for (Host h : hosts) {
                Instant t = h.node.pollTimeout().orElse(null);
                if (t != null && (next == null || t.isBefore(next))) {
                    next = t;
                }
            }
            if (next == null || next.isAfter(end)) {
                now = end;
                return;
            }
            if (next.isAfter(now)) {
                now = next;
            }
            network.deliverDue(now);
            for (Host h : hosts) {
                if (h.node.pollTimeout().map(t -> !t.isAfter(now)).orElse(false)) {
                    h.node.handleTimeout(now);
                }
            }
        }
    }

    private void drain() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Host h : hosts) {
                for (var t = h.node.pollTransmit(); t.isPresent(); t = h.node.pollTransmit()) {
                    Transmit tx = t.get();
                    if (tx.source() != null && !tx.source().equals(h.local)) {
                        throw new AssertionError("transmit from an address the host does not have: " + tx);
                    }
                    h.outbound(tx.destination(), tx.payload());
                    moved = true;
                }
                for (var p = h.node.pollPacket(); p.isPresent(); p = h.node.pollPacket()) {
                    h.packets.add(p.get());
                    moved = true;
                }
                for (var e = h.node.pollEvent(); e.isPresent(); e = h.node.pollEvent()) {
                    moved = true;
                    h.events.add(e.get());
                    switch (e.get()) {
                        case PeerEvent.NewIceCandidate(UUID id, String c) when h.peer != null ->
                                h.peer.node.addRemoteCandidate(id, c, now);
                        case PeerEvent.InvalidateIceCandidate(UUID id, String c) when h.peer != null ->
                                h.peer.node.removeRemoteCandidate(id, c, now);
                        default -> {
                        }
                    }
                }
            }
        }
    }
}
