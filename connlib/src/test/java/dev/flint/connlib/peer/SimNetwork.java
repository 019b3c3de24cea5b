package dev.flint.connlib.peer;

import dev.flint.connlib.ice.Transmit;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic network in virtual time: hosts running {@link PeerNode}s, optionally behind NATs
 * with RFC 4787 behaviours, {@link SimRelay}s, a fixed one-way latency, random loss, and a portal that
 * forwards ICE candidates between connected hosts.
 */
final class SimNetwork {
    static final Duration LATENCY = Duration.ofMillis(10);

    enum Nat { NONE, FULL_CONE, PORT_RESTRICTED, SYMMETRIC }

    interface Sender {
        void send(InetSocketAddress from, InetSocketAddress to, byte[] payload);
    }

    final class Host {
        final PeerNode node;
        final InetSocketAddress local;
        final Nat nat;
        final InetAddress publicIp;
        final Map<String, Integer> mappings = new HashMap<>();
        final Map<Integer, Set<InetSocketAddress>> allowed = new HashMap<>();
        final List<PeerEvent> events = new ArrayList<>();
        final List<DecryptedPacket> packets = new ArrayList<>();
        Host peer;
        int nextPort = 40000;
        int stunSent;

        Host(PeerNode node, InetSocketAddress local, Nat nat, InetAddress publicIp) {
            this.node = node;
            this.local = local;
            this.nat = nat;
            this.publicIp = publicIp;
        }

        void outbound(InetSocketAddress to, byte[] payload) {
            if (dev.flint.connlib.stun.StunCodec.looksLikeStun(payload, 0, payload.length)) {
                stunSent++;
            }
            if (nat == Nat.NONE) {
                send(local, to, payload);
                return;
            }
            String key = nat == Nat.SYMMETRIC ? to.toString() : "*";
            int port = mappings.computeIfAbsent(key, k -> nat == Nat.SYMMETRIC ? 40000 + random.nextInt(20000) : nextPort++);
            allowed.computeIfAbsent(port, p -> new HashSet<>()).add(to);
            send(new InetSocketAddress(publicIp, port), to, payload);
        }

        boolean accepts(InetSocketAddress from, InetSocketAddress to) {
            if (nat == Nat.NONE) {
                return to.equals(local);
            }
            if (!to.getAddress().equals(publicIp) || !allowed.containsKey(to.getPort())) {
                return false;
            }
            return nat == Nat.FULL_CONE || allowed.get(to.getPort()).contains(from);
        }
    }

    private record Datagram(Instant at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    }

    final SplittableRandom random;
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    double loss;
    final List<Host> hosts = new ArrayList<>();
    final List<SimRelay> relays = new ArrayList<>();
    final Set<InetAddress> unreachable = new HashSet<>();
    /** While set, datagrams between two hosts are lost; relays still reach everyone (a firewall between sites). */
    boolean directBlocked;
    private final PriorityQueue<Datagram> inFlight =
            new PriorityQueue<>(Comparator.comparing(Datagram::at).thenComparingLong(Datagram::seq));
    private long seq;

    SimNetwork(long seed) {
        this.random = new SplittableRandom(seed);
    }

    Host addHost(String ip, Nat nat, String publicIp, boolean server) {
        PeerNode node = new PeerNode(WireGuardKey.generatePrivate(random.split()), server, random.split(), now);
        Host h = new Host(node, new InetSocketAddress(ip, 52625), nat, publicIp == null ? null : addr(publicIp));
        hosts.add(h);
        return h;
    }

    SimRelay addRelay(String ip) {
        SimRelay r = new SimRelay(new InetSocketAddress(ip, Relay.PORT), "2145916800:salt", "secret");
        relays.add(r);
        return r;
    }

    static Relay relayFor(SimRelay r) {
        return new Relay(UUID.nameUUIDFromBytes(r.address.toString().getBytes()), List.of(r.address),
                new dev.flint.connlib.turn.RelayCredentials("2145916800:salt", "secret"));
    }

    static InetAddress addr(String ip) {
        return new InetSocketAddress(ip, 0).getAddress();
    }

    void send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        if (loss > 0 && random.nextDouble() < loss) {
            return;
        }
        inFlight.add(new Datagram(now.plus(LATENCY), seq++, from, to, payload));
    }

    void run(Duration d) {
        Instant end = now.plus(d);
        while (true) {
            drain();
            Instant next = inFlight.isEmpty() ? null : inFlight.peek().at();
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
            while (!inFlight.isEmpty() && !inFlight.peek().at().isAfter(now)) {
                deliver(inFlight.poll());
            }
            for (Host h : hosts) {
                if (h.node.pollTimeout().map(t -> !t.isAfter(now)).orElse(false)) {
                    h.node.handleTimeout(now);
                }
            }
        }
    }

    private void deliver(Datagram d) {
        if (unreachable.contains(d.to().getAddress()) || unreachable.contains(d.from().getAddress())) {
            return;
        }
        if (directBlocked && relays.stream().noneMatch(r -> r.owns(d.to()) || r.owns(d.from()))) {
            return;
        }
        for (SimRelay r : relays) {
            if (r.owns(d.to())) {
                r.receive(d.from(), d.to(), d.payload(), this::send);
                return;
            }
        }
        for (Host h : hosts) {
            if (h.accepts(d.from(), d.to())) {
                h.node.handleNetworkInput(h.local, d.from(), d.payload(), 0, d.payload().length, now);
                return;
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
