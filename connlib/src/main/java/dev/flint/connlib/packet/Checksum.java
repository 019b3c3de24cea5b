package dev.flint.connlib.packet;

import java.net.InetAddress;

/** The Internet checksum (RFC 1071) and its incremental update (RFC 1624, eqn. 3). */
public final class Checksum {
    private Checksum() {}

    /** Adds {@code len} bytes to a running 32-bit one's-complement sum (not yet folded). */
    public static long add(long sum, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (b[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a running sum and complements it, giving the value to put in a checksum field. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    public static int compute(byte[] b, int off, int len) {
        return finish(add(0, b, off, len));
    }

    /** Sum of the TCP/UDP/ICMPv6 pseudo-header for either family. */
    public static long pseudoHeader(InetAddress src, InetAddress dst, int protocol, int l4Length) {
        byte[] s = src.getAddress();
        byte[] d = dst.getAddress();
        long sum = add(0, s, 0, s.length);
        sum = add(sum, d, 0, d.length);
        sum += protocol;
        sum += l4Length & 0xFFFF;
        sum += l4Length >>> 16;
        return sum;
    }

    /**
     * Updates checksum {@code hc} for a change of the 16-bit-aligned bytes {@code old} to {@code now}
     * (both of the same even length): HC' = ~(~HC + ~m + m').
     */
    public static int adjust(int hc, byte[] old, byte[] now) {
        long sum = (~hc) & 0xFFFF;
        for (int i = 0; i + 1 < old.length; i += 2) {
            int m = ((old[i] & 0xFF) << 8) | (old[i + 1] & 0xFF);
            int m2 = ((now[i] & 0xFF) << 8) | (now[i + 1] & 0xFF);
            sum += (~m) & 0xFFFF;
            sum += m2;
        }
        return finish(sum);
    }

    public static int adjust16(int hc, int old, int now) {
        long sum = ((~hc) & 0xFFFF) + ((~old) & 0xFFFF) + (now & 0xFFFF);
        return finish(sum);
    }
}
