package dev.flint.connlib.sim;

import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.turn.RelayCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A UDP network in virtual time: hosts (one socket each), optionally behind a NAT with an RFC 4787 behaviour,
 * {@link SimRelay}s on the "internet", a fixed one-way latency and random loss. It only carries datagrams: whoever
 * drives it owns the clock ({@code clock}), asks when the next datagram lands ({@link #nextDelivery()}) and lets
 * the due ones arrive ({@link #deliverDue}); receivers get them as {@code (local, from, payload)}.
 * Deterministic for a given random generator and order of calls.
 */
public final class VirtualNetwork {
    public static final Duration LATENCY = Duration.ofMillis(10);
    /** The credentials every simulated relay accepts (TURN REST style, valid until 2038). */
    public static final RelayCredentials RELAY_CREDENTIALS = new RelayCredentials("2145916800:salt", "secret");

    public enum Nat { NONE, FULL_CONE, PORT_RESTRICTED, SYMMETRIC }

    /** Puts a datagram on the wire as it leaves a NAT or relay (addresses as seen on the internet). */
    @FunctionalInterface
    public interface Sender {
        void send(InetSocketAddress from, InetSocketAddress to, byte[] payload);
    }

    /** A datagram that reached a host's socket at {@code local}. */
    @FunctionalInterface
    public interface Receiver {
        void receive(InetSocketAddress local, InetSocketAddress from, byte[] payload);
    }

    /** One socket, behind its own NAT device unless {@link Nat#NONE}. */
    public final class Host {
        public final InetSocketAddress local;
        public final Nat nat;
        public final InetAddress publicIp;
        private final Map<String, Integer> mappings = new HashMap<>();
        private final Map<Integer, Set<InetSocketAddress>> allowed = new HashMap<>();
        private final Map<Integer, Instant> lastOutbound = new HashMap<>();
        private int nextPort = 40000;
        private Receiver receiver;

        private Host(InetSocketAddress local, Nat nat, InetAddress publicIp, Receiver receiver) {
            this.local = local;
            this.nat = nat;
            this.publicIp = publicIp;
            this.receiver = receiver;
        }

        /** Sends from the socket: through the NAT, which opens (or reuses) a mapping towards {@code to}. */
        public void send(InetSocketAddress to, byte[] payload) {
            if (nat == Nat.NONE) {
                VirtualNetwork.this.send(local, to, payload);
                return;
            }
            String key = nat == Nat.SYMMETRIC ? to.toString() : "*";
            Integer existing = mappings.get(key);
            if (existing != null && expired(existing)) {
                mappings.remove(key);
                allowed.remove(existing);
                lastOutbound.remove(existing);
            }
            int port = mappings.computeIfAbsent(key,
                    k -> nat == Nat.SYMMETRIC ? 40000 + random.nextInt(20000) : nextPort++);
            allowed.computeIfAbsent(port, p -> new HashSet<>()).add(to);
            lastOutbound.put(port, clock.get());
            VirtualNetwork.this.send(new InetSocketAddress(publicIp, port), to, payload);
        }

        /** Only outbound traffic keeps a mapping alive (RFC 4787 REQ-6 leaves inbound refresh optional). */
        private boolean expired(int port) {
            Instant last = lastOutbound.get(port);
            return natTimeout != null && last != null && clock.get().isAfter(last.plus(natTimeout));
        }

        /** Who gets what arrives (a restarted program on the same socket). */
        public void receiver(Receiver r) {
            this.receiver = r;
        }

        boolean accepts(InetSocketAddress from, InetSocketAddress to) {
            if (nat == Nat.NONE) {
                return to.equals(local);
            }
            if (!to.getAddress().equals(publicIp) || !allowed.containsKey(to.getPort()) || expired(to.getPort())) {
                return false;
            }
            return nat == Nat.FULL_CONE || allowed.get(to.getPort()).contains(from);
        }

        @Override
        public String toString() {
            return nat == Nat.NONE ? local.toString() : local + " behind " + nat + " " + publicIp.getHostAddress();
        }
    }

    /** Sees every datagram put on the wire, and whether it was lost (for traces while debugging a run). */
    @FunctionalInterface
    public interface Tap {
        void datagram(Instant at, InetSocketAddress from, InetSocketAddress to, byte[] payload, boolean lost);
    }

    private record Datagram(Instant at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    }

    private final RandomGenerator random;
    private final Supplier<Instant> clock;
    public Duration latency = LATENCY;
    /** Probability that a datagram is lost on the way. */
    public double loss;
    /** How long a NAT keeps a mapping without outbound traffic; null: for ever. */
    public Duration natTimeout;
    public final List<Host> hosts = new ArrayList<>();
    public final List<SimRelay> relays = new ArrayList<>();
    /** Addresses that neither send nor receive any more (a relay that died). */
    public final Set<InetAddress> unreachable = new HashSet<>();
    /** While set, datagrams between two hosts are lost; relays still reach everyone (a firewall between sites). */
    public boolean directBlocked;
    public long sent;
    public long lost;
    public Tap tap;
    private final PriorityQueue<Datagram> inFlight =
            new PriorityQueue<>(Comparator.comparing(Datagram::at).thenComparingLong(Datagram::seq));
    private long seq;

    /** {@code random} decides loss and symmetric NAT ports; {@code clock} is the driver's virtual time. */
    public VirtualNetwork(RandomGenerator random, Supplier<Instant> clock) {
        this.random = random;
        this.clock = clock;
    }

    public Host addHost(InetSocketAddress local, Nat nat, InetAddress publicIp, Receiver receiver) {
        if (nat != Nat.NONE && publicIp == null) {
            throw new IllegalArgumentException("a NAT needs a public address");
        }
        Host h = new Host(local, nat, publicIp, receiver);
        hosts.add(h);
        return h;
    }

    /** The host is gone (its device left the network); datagrams for it are lost. */
    public void removeHost(Host h) {
        hosts.remove(h);
    }

    public SimRelay addRelay(String ip) {
        SimRelay r = new SimRelay(new InetSocketAddress(ip, Relay.PORT), RELAY_CREDENTIALS.username(),
                RELAY_CREDENTIALS.password());
        relays.add(r);
        return r;
    }

    /** The relay as a peer node takes it. */
    public static Relay relayFor(SimRelay r) {
        return new Relay(relayId(r), List.of(r.address), RELAY_CREDENTIALS);
    }

    /** The relay as the portal announces it ({@code init}, {@code relays_presence}). */
    public static dev.flint.connlib.portal.Relay.Turn portalRelay(SimRelay r) {
        return new dev.flint.connlib.portal.Relay.Turn(relayId(r), r.address, RELAY_CREDENTIALS.username(),
                RELAY_CREDENTIALS.password(), Instant.ofEpochSecond(2_145_916_800L));
    }

    public static UUID relayId(SimRelay r) {
        return UUID.nameUUIDFromBytes(r.address.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static InetAddress addr(String ip) {
        return new InetSocketAddress(ip, 0).getAddress();
    }

    /** A datagram on the wire; it lands after the latency unless it is lost. */
    public void send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        sent++;
        boolean drop = loss > 0 && random.nextDouble() < loss;
        if (tap != null) {
            tap.datagram(clock.get(), from, to, payload, drop);
        }
        if (drop) {
            lost++;
            return;
        }
        inFlight.add(new Datagram(clock.get().plus(latency), seq++, from, to, payload));
    }

    /** When the next datagram lands, or null if none is on the way. */
    public Instant nextDelivery() {
        return inFlight.isEmpty() ? null : inFlight.peek().at();
    }

    /** Lets every datagram due by {@code now} arrive, in order of sending. */
    public void deliverDue(Instant now) {
        while (!inFlight.isEmpty() && !inFlight.peek().at().isAfter(now)) {
            deliver(inFlight.poll());
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
                h.receiver.receive(h.local, d.from(), d.payload());
                return;
            }
        }
    }
}
