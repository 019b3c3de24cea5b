package dev.flint.connlib.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Builds complete, checksummed IPv4/IPv6 packets carrying UDP, TCP or ICMP. */
public final class PacketBuilder {
    /** TTL / hop limit of locally generated ICMP errors. */
    public static final int ICMP_ERROR_TTL = 20;
    private static final int DEFAULT_TTL = 64;

    private PacketBuilder() {}

    public static IpPacket udp(InetAddress src, InetAddress dst, int srcPort, int dstPort, byte[] payload) {
        byte[] l4 = new byte[8 + payload.length];
        IpPacket.put16(l4, 0, srcPort);
        IpPacket.put16(l4, 2, dstPort);
        IpPacket.put16(l4, 4, l4.length);
        System.arraycopy(payload, 0, l4, 8, payload.length);
        return ip(src, dst, IpProtocol.UDP, DEFAULT_TTL, l4, 6);
    }

    public static IpPacket tcp(InetAddress src, InetAddress dst, int srcPort, int dstPort, long seq, long ack,
                               int flags, int window, byte[] payload) {
        byte[] l4 = new byte[20 + payload.length];
        IpPacket.put16(l4, 0, srcPort);
        IpPacket.put16(l4, 2, dstPort);
        put32(l4, 4, seq);
        put32(l4, 8, ack);
        l4[12] = (byte) (5 << 4);
        l4[13] = (byte) flags;
        IpPacket.put16(l4, 14, window);
        System.arraycopy(payload, 0, l4, 20, payload.length);
        return ip(src, dst, IpProtocol.TCP, DEFAULT_TTL, l4, 16);
    }

    public static IpPacket icmpEchoRequest(InetAddress src, InetAddress dst, int id, int seq, byte[] payload) {
        return icmpEcho(src, dst, src instanceof Inet4Address ? 8 : 128, id, seq, payload);
    }

    public static IpPacket icmpEchoReply(InetAddress src, InetAddress dst, int id, int seq, byte[] payload) {
        return icmpEcho(src, dst, src instanceof Inet4Address ? 0 : 129, id, seq, payload);
    }

    private static IpPacket icmpEcho(InetAddress src, InetAddress dst, int type, int id, int seq, byte[] payload) {
        byte[] l4 = new byte[8 + payload.length];
        l4[0] = (byte) type;
        IpPacket.put16(l4, 4, id);
        IpPacket.put16(l4, 6, seq);
        System.arraycopy(payload, 0, l4, 8, payload.length);
        return icmp(src, dst, DEFAULT_TTL, l4);
    }

    /**
     * "Destination unreachable" for {@code original}, sent from its destination back to its source (or from
     * {@code from} if given), quoting the IPv4 header + 8 bytes, or as much of an IPv6 packet as fits 1280.
     */
    public static IpPacket destinationUnreachable(IpPacket original, UnreachableReason reason) {
        return destinationUnreachable(original, original.destination(), reason);
    }

    public static IpPacket destinationUnreachable(IpPacket original, InetAddress from, UnreachableReason reason) {
        byte[] o = original.bytes();
        boolean v4 = original.isIpv4();
        int quoteLength = v4 ? Math.min(o.length, original.transportOffset() + 8)
                : Math.min(o.length, IpPacket.MAX_SIZE - 40 - 8);
        byte[] l4 = new byte[8 + quoteLength];
        l4[0] = (byte) (v4 ? 3 : 1);
        l4[1] = (byte) (v4 ? reason.v4Code() : reason.v6Code());
        System.arraycopy(o, 0, l4, 8, quoteLength);
        return icmp(from, original.source(), ICMP_ERROR_TTL, l4);
    }

    /** An ICMP error of the given type/code quoting {@code quoted} as-is (used when translating errors). */
    public static IpPacket icmpError(InetAddress src, InetAddress dst, int type, int code, int rest, byte[] quoted) {
        byte[] l4 = new byte[8 + quoted.length];
        l4[0] = (byte) type;
        l4[1] = (byte) code;
        put32(l4, 4, rest & 0xFFFFFFFFL);
        System.arraycopy(quoted, 0, l4, 8, quoted.length);
        return icmp(src, dst, ICMP_ERROR_TTL, l4);
    }

    private static IpPacket icmp(InetAddress src, InetAddress dst, int ttl, byte[] l4) {
        boolean v4 = src instanceof Inet4Address;
        return ip(src, dst, v4 ? IpProtocol.ICMP : IpProtocol.ICMPV6, ttl, l4, 2);
    }

    /** Wraps a transport segment, filling in its checksum at {@code checksumOffset}. */
    public static IpPacket ip(InetAddress src, InetAddress dst, int protocol, int ttl, byte[] l4, int checksumOffset) {
        byte[] p = header(src, dst, protocol, ttl, l4.length);
        int hl = p.length - l4.length;
        System.arraycopy(l4, 0, p, hl, l4.length);
        if (checksumOffset >= 0) {
            IpPacket.put16(p, hl + checksumOffset, 0);
            long sum = protocol == IpProtocol.ICMP ? 0 : Checksum.pseudoHeader(src, dst, protocol, l4.length);
            int c = Checksum.finish(Checksum.add(sum, p, hl, l4.length));
            if (protocol == IpProtocol.UDP && c == 0) {
                c = 0xFFFF;
            }
            IpPacket.put16(p, hl + checksumOffset, c);
        }
        return parsed(p);
    }

    private static byte[] header(InetAddress src, InetAddress dst, int protocol, int ttl, int l4Length) {
        if (src instanceof Inet4Address && dst instanceof Inet4Address) {
            byte[] p = new byte[20 + l4Length];
            p[0] = 0x45;
            IpPacket.put16(p, 2, p.length);
            IpPacket.put16(p, 6, 0x4000); // don't fragment
            p[8] = (byte) ttl;
            p[9] = (byte) protocol;
            System.arraycopy(src.getAddress(), 0, p, 12, 4);
            System.arraycopy(dst.getAddress(), 0, p, 16, 4);
            IpPacket.put16(p, 10, Checksum.compute(p, 0, 20));
            return p;
        }
        if (src instanceof Inet6Address && dst instanceof Inet6Address) {
            byte[] p = new byte[40 + l4Length];
            p[0] = 0x60;
            IpPacket.put16(p, 4, l4Length);
            p[6] = (byte) protocol;
            p[7] = (byte) ttl;
            System.arraycopy(src.getAddress(), 0, p, 8, 16);
            System.arraycopy(dst.getAddress(), 0, p, 24, 16);
            return p;
        }
        throw new IllegalArgumentException("mixed address families: " + src + " -> " + dst);
    }

    static IpPacket parsed(byte[] p) {
        return switch (IpPacket.parse(p)) {
            case ParseResult.Parsed(IpPacket packet) -> packet;
            case ParseResult.Malformed m -> throw new IllegalStateException("built a malformed packet: " + m);
        };
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
