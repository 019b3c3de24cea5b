package dev.flint.connlib.tunnel;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the policy layer decided for a flow, kept so the next packets of that flow skip the decision. The slow path
 * (parse the packet, look up resources, filters, authorizations) records its verdict with {@link #put}; the data
 * path asks {@link #get} with the raw packet and nothing is allocated. Any change of the state the verdicts came from
 * calls {@link #invalidate}, which retires every entry at once (they carry the version they were made in).
 *
 * <p>A flow is the packet's IP version, one or two of its addresses, its protocol and one port (both for replies),
 * plus an owner (the gateway or client the packet came from). The cache is direct-mapped: a colliding
 * flow replaces the older one, which then takes the slow path once more.
 *
 * <p>TCP and UDP flows, and ICMP echo flows, whose type is part of the key: a ping is the first thing a user tries,
 * and it must take the same compiled path as the rest of the traffic, not a slow path the JIT has never seen. An
 * echo's identifier stands for both ports only where a verdict depends on it, in {@link Side#REPLY} (a reply the
 * gateway translates back differs from one it passes unchanged by nothing else). Towards a resource and back from it
 * no verdict depends on it (filters know ICMP, not identifiers), and every {@code ping} run takes a new one: keyed by
 * it, each run's first echo would take the slow path at both ends. Every other packet (ICMP errors above all, which
 * must never pass for the echo flow they share protocol and addresses with) takes the slow path.
 */
final class FlowCache<V> {
    /** Which of the packet's fields make the flow: where it goes or where it comes from. */
    enum Side {
        /** Destination address and port (packets leaving towards a resource). */
        DESTINATION,
        /** Source address and port (packets coming back from a resource). */
        SOURCE,
        /**
         * Destination address, source address and both ports (a reply towards one of several clients): the
         * destination port too, because one client may reach the same resource address and port by a CIDR resource
         * (replies pass unchanged) and by a DNS resource (replies must be translated back to the proxy address).
         */
        REPLY
    }

    private static final int SIZE = 4096;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;
    private static final int ECHO_REQUEST = 8;
    private static final int ECHO_REPLY = 0;
    private static final int ECHO_REQUEST_V6 = 128;
    private static final int ECHO_REPLY_V6 = 129;

    private final Side side;
    private final long[] keys = new long[SIZE * 5];
    private final Object[] owners = new Object[SIZE];
    private final Object[] values = new Object[SIZE];
    private final long[] versions = new long[SIZE];
    private long version = 1;
    private final long[] probe = new long[5];

    FlowCache(Side side) {
        this.side = side;
    }

    /** Forgets every verdict: the state they were made from changed. */
    void invalidate() {
        version++;
    }

    /** The verdict for the flow of the packet in {@code buffer} at {@code at} ({@code length} bytes), or null. */
    @SuppressWarnings("unchecked")
    V get(ByteBuffer buffer, int at, int length, Object owner) {
        if (!key(buffer, at, length, probe)) {
            return null;
        }
        int slot = slot(probe, owner);
        if (versions[slot] != version || !Objects.equals(owners[slot], owner)) {
            return null;
        }
        int base = slot * 5;
        for (int i = 0; i < 5; i++) {
            if (keys[base + i] != probe[i]) {
                return null;
            }
        }
        return (V) values[slot];
    }

    /** Records the verdict for the flow of {@code packet} (a whole IP packet) and {@code owner}. */
    void put(byte[] packet, Object owner, V value) {
        long[] key = new long[5];
        if (!key(ByteBuffer.wrap(packet), 0, packet.length, key)) {
            return;
        }
        int slot = slot(key, owner);
        System.arraycopy(key, 0, keys, slot * 5, 5);
        owners[slot] = owner;
        values[slot] = value;
        versions[slot] = version;
    }

    private static int slot(long[] key, Object owner) {
        long h = Objects.hashCode(owner);
        for (long k : key) {
            h = h * 0x9E3779B97F4A7C15L + k;
        }
        h ^= h >>> 29;
        return (int) (h & (SIZE - 1));
    }

    /**
     * Reads the flow key of an IP packet into {@code out}: [version|protocol|port, first address (2 longs), second
     * address (2 longs, only for {@link Side#REPLY})]. False for anything too short or not IPv4/IPv6 (and IPv6 with
     * extension headers, whose ports are not where the key looks).
     */
    private boolean key(ByteBuffer p, int at, int length, long[] out) {
        if (length < 1) {
            return false;
        }
        int version = (p.get(at) >> 4) & 0xF;
        int protocol;
        int l4;
        int src;
        int dst;
        int addressLength;
        if (version == 4) {
            if (length < 20) {
                return false;
            }
            protocol = p.get(at + 9) & 0xFF;
            l4 = at + (p.get(at) & 0xF) * 4;
            src = at + 12;
            dst = at + 16;
            addressLength = 4;
        } else if (version == 6) {
            if (length < 40) {
                return false;
            }
            protocol = p.get(at + 6) & 0xFF;
            l4 = at + 40;
            src = at + 8;
            dst = at + 24;
            addressLength = 16;
        } else {
            return false;
        }
        // IPv6 extension headers would hide the ports: such packets have another protocol here and take the slow path.
        int source;
        int destination;
        if (protocol == TCP || protocol == UDP) {
            if (l4 + 4 > at + length) {
                return false;
            }
            source = p.getShort(l4) & 0xFFFF;
            destination = p.getShort(l4 + 2) & 0xFFFF;
        } else if (protocol == ICMP || protocol == ICMPV6) {
            int type = l4 + 8 > at + length ? -1 : p.get(l4) & 0xFF;
            boolean echo = protocol == ICMP ? type == ECHO_REQUEST || type == ECHO_REPLY
                : type == ECHO_REQUEST_V6 || type == ECHO_REPLY_V6;
            if (!echo) {
                return false;
            }
            protocol |= type << 8;
            source = side == Side.REPLY ? p.getShort(l4 + 4) & 0xFFFF : 0;
            destination = source;
        } else {
            return false;
        }
        long ports = switch (side) {
            case DESTINATION -> destination;
            case SOURCE -> source;
            case REPLY -> ((long) source << 16) | destination;
        };
        out[0] = ((long) version << 48) | ((long) protocol << 32) | ports;
        int first = side == Side.SOURCE ? src : dst;
        address(p, first, addressLength, out, 1);
        if (side == Side.REPLY) {
            address(p, src, addressLength, out, 3);
        } else {
            out[3] = 0;
            out[4] = 0;
        }
        return true;
    }

    private static void address(ByteBuffer p, int at, int length, long[] out, int into) {
        if (length == 4) {
            out[into] = 0;
            out[into + 1] = p.getInt(at) & 0xFFFFFFFFL;
        } else {
            out[into] = p.getLong(at);
            out[into + 1] = p.getLong(at + 8);
        }
    }
}
