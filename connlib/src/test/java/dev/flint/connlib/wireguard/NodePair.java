package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Two nodes, A and B, peered with each other on an in-memory network with virtual time. Transmits are delivered
 * explicitly so a test can drop, delay or reorder any of them.
 */
final class NodePair {
    static final Instant START = Instant.parse("2026-11-24T12:00:00Z");
    final InetSocketAddress addrA = new InetSocketAddress("192.0.2.1", 51820);
    final InetSocketAddress addrB = new InetSocketAddress("192.0.2.2", 51821);
    final WireGuardNode a;
    final WireGuardNode b;
    final WireGuardPeer bOnA;
    final WireGuardPeer aOnB;
    final List<WireGuardEvent> eventsA = new ArrayList<>();
    final List<WireGuardEvent> eventsB = new ArrayList<>();
    Instant now = START;

    NodePair(WireGuardConfig config, long seed) {
        this(config, seed, null);
    }

    NodePair(WireGuardConfig config, long seed, Duration persistentKeepaliveOnA) {
        var randomA = new ScriptedRandom(seed);
        var randomB = new ScriptedRandom(seed + 1);
        a = new WireGuardNode(WireGuardKey.generatePrivate(randomA), config, randomA);
        b = new WireGuardNode(WireGuardKey.generatePrivate(randomB), config, randomB);
        WireGuardKey psk = WireGuardKey.generatePreshared(randomA);
        bOnA = a.addPeer(b.publicKey(), psk, persistentKeepaliveOnA, addrB, now);
        aOnB = b.addPeer(a.publicKey(), psk, null, null, now);
    }

    InetSocketAddress addressOf(WireGuardNode node) {
        return node == a ? addrA : addrB;
    }

    WireGuardNode other(WireGuardNode node) {
        return node == a ? b : a;
    }

    WireGuardPeer peerOn(WireGuardNode node) {
        return node == a ? bOnA : aOnB;
    }

    /** Everything {@code node} wants to send right now. */
    List<Outgoing> drain(WireGuardNode node) {
        List<Outgoing> out = new ArrayList<>();
        for (Outgoing t = node.pollTransmit(); t != null; t = node.pollTransmit()) {
            out.add(t);
        }
        collectEvents();
        return out;
    }

    void collectEvents() {
        for (WireGuardEvent e = a.pollEvent(); e != null; e = a.pollEvent()) {
            eventsA.add(e);
        }
        for (WireGuardEvent e = b.pollEvent(); e != null; e = b.pollEvent()) {
            eventsB.add(e);
        }
    }

    /** Delivers one datagram from {@code from} to the other node; the plaintext (if data) is in {@link #lastPlaintext}. */
    Received deliver(WireGuardNode from, byte[] datagram) {
        ByteBuffer out = ByteBuffer.allocate(2048);
        Received r = other(from).decrypt(addressOf(from), ByteBuffer.wrap(datagram), out, now);
        out.flip();
        lastPlaintext = Arrays.copyOf(out.array(), out.limit());
        collectEvents();
        return r;
    }

    byte[] lastPlaintext = new byte[0];

    /** Delivers all transmits both ways (those matching {@code lose} are dropped) until both are quiet. */
    int exchange(Predicate<Outgoing> lose) {
        int delivered = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (WireGuardNode node : List.of(a, b)) {
                for (Outgoing t : drain(node)) {
                    progress = true;
                    if (!lose.test(t)) {
                        deliver(node, t.payload());
                        delivered++;
                    }
                }
            }
        }
        return delivered;
    }

    int exchange() {
        return exchange(t -> false);
    }

    /** A completes a handshake with B at the current time. */
    void handshake() {
        a.initiateHandshake(bOnA, now);
        exchange();
        if (!bOnA.hasSession(now) || !aOnB.hasSession(now)) {
            throw new AssertionError("handshake did not complete");
        }
    }

    /** Encrypts {@code packet} on {@code from}; the datagram, or null when there is no session. */
    byte[] seal(WireGuardNode from, byte[] packet) {
        ByteBuffer out = ByteBuffer.allocate(2048);
        Encrypted e = from.encrypt(peerOn(from), ByteBuffer.wrap(packet), out, now);
        if (e != Encrypted.SENT) {
            return null;
        }
        out.flip();
        return Arrays.copyOf(out.array(), out.limit());
    }

    /** Advances virtual time to {@code until}, running timers when due and delivering what they send. */
    void runUntil(Instant until, Predicate<Outgoing> lose) {
        while (true) {
            Instant next = earliest(a.pollTimeout(), b.pollTimeout());
            if (next == null || next.isAfter(until)) {
                break;
            }
            if (next.isAfter(now)) {
                now = next;
            }
            a.handleTimeout(now);
            b.handleTimeout(now);
            exchange(lose);
        }
        now = until;
    }

    void runFor(Duration d) {
        runUntil(now.plus(d), t -> false);
    }

    private static Instant earliest(Instant x, Instant y) {
        if (x == null) {
            return y;
        }
        return y == null || x.isBefore(y) ? x : y;
    }

    /** A well-formed IPv4 packet of {@code length} bytes (20-byte header, then {@code fill}). */
    static byte[] ipv4(int length, int fill) {
        byte[] p = new byte[length];
        Arrays.fill(p, (byte) fill);
        p[0] = 0x45;
        p[1] = 0;
        p[2] = (byte) (length >>> 8);
        p[3] = (byte) length;
        return p;
    }

    static boolean isType(Outgoing t, int type) {
        return t.payload()[0] == type;
    }
}
