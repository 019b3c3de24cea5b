package dev.flint.shell.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What a NIC does for TSO and checksum offload, done in software for a TUN opened with
 * {@code IFF_VNET_HDR}: the kernel hands over one TCP segment of up to 64 KiB plus a
 * {@code virtio_net_hdr}, and this splits it into MSS-sized packets with their own lengths,
 * sequence numbers, IPv4 ids and checksums, or completes the partial checksum of a single packet.
 */
final class TcpSegmentation {

    static final int VNET_HDR_LEN = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;

    private static final ValueLayout.OfShort SHORT_BE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private TcpSegmentation() {
    }

    static int flags(MemorySegment vnet) {
        return vnet.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
    }

    static int gsoType(MemorySegment vnet) {
        return vnet.get(ValueLayout.JAVA_BYTE, 1) & 0xFF & ~GSO_ECN;
    }

    static int gsoSize(MemorySegment vnet) {
        return Short.toUnsignedInt(vnet.get(SHORT_LE, 4));
    }

    static int csumStart(MemorySegment vnet) {
        return Short.toUnsignedInt(vnet.get(SHORT_LE, 6));
    }

    static int csumOffset(MemorySegment vnet) {
        return Short.toUnsignedInt(vnet.get(SHORT_LE, 8));
    }

    /** The ones'-complement sum of {@code length} bytes at {@code offset}, added to {@code initial}, unfolded. */
    static long sum(MemorySegment s, long offset, int length, long initial) {
        long acc = initial;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            acc += Integer.toUnsignedLong(s.get(INT_BE, offset + i));
        }
        if (i + 2 <= length) {
            acc += Short.toUnsignedInt(s.get(SHORT_BE, offset + i));
            i += 2;
        }
        if (i < length) {
            acc += (s.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8;
        }
        return acc;
    }

    static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    /**
     * Completes a {@code CHECKSUM_PARTIAL} packet: the field at {@code start + offset} holds the
     * pseudo-header sum, and the checksum covers everything from {@code start} to the end.
     */
    static void completeChecksum(MemorySegment packet, int length, int start, int offset) {
        if (start + offset + 2 > length) {
            return;
        }
        int folded = fold(sum(packet, start, length - start, 0));
        int value = ~folded & 0xFFFF;
        packet.set(SHORT_BE, start + offset, (short) value);
    }

    /** The pseudo-header sum for a TCP segment of {@code tcpLength} bytes. */
    static long pseudoHeaderSum(MemorySegment packet, boolean v4, int tcpLength) {
        long acc = v4 ? sum(packet, 12, 8, 0) : sum(packet, 8, 32, 0);
        return acc + 6 + tcpLength;
    }

    /**
     * Splits the TCP super-packet {@code src[0..length)} (without its vnet header) into segments of
     * {@code gsoSize} payload bytes, starting with segment {@code first}; each goes to
     * {@code out.segment(slot)} through {@code sink}. Returns how many segments it wrote; fewer than
     * remain means the sink is full, so call again with {@code first} advanced. Returns -1 if the
     * packet is not IPv4/IPv6 TCP without extension headers.
     */
    static int split(MemorySegment src, int length, int gsoSize, int first, SegmentSink sink) {
        if (length < 1 || gsoSize <= 0) {
            return -1;
        }
        int version = (src.get(ValueLayout.JAVA_BYTE, 0) & 0xF0) >>> 4;
        boolean v4 = version == 4;
        if (length < (v4 ? 40 : 60)) {
            return -1;
        }
        int ipLen;
        if (v4) {
            ipLen = (src.get(ValueLayout.JAVA_BYTE, 0) & 0x0F) * 4;
            if (ipLen < 20 || src.get(ValueLayout.JAVA_BYTE, 9) != 6) {
                return -1;
            }
        } else if (version == 6) {
            ipLen = 40;
            if (src.get(ValueLayout.JAVA_BYTE, 6) != 6) {
                return -1;
            }
        } else {
            return -1;
        }
        if (length < ipLen + 20) {
            return -1;
        }
        int tcpLen = ((src.get(ValueLayout.JAVA_BYTE, ipLen + 12) & 0xF0) >>> 4) * 4;
        int headerLen = ipLen + tcpLen;
        if (tcpLen < 20 || length < headerLen) {
            return -1;
        }
        int payload = length - headerLen;
        int segments = Math.max(1, (payload + gsoSize - 1) / gsoSize);
        int seq0 = src.get(INT_BE, ipLen + 4);
        int id0 = v4 ? Short.toUnsignedInt(src.get(SHORT_BE, 4)) : 0;
        int flags0 = src.get(ValueLayout.JAVA_BYTE, ipLen + 13) & 0xFF;
        int written = 0;
        for (int i = first; i < segments; i++) {
            MemorySegment dst = sink.next();
            if (dst == null) {
                break;
            }
            int chunk = Math.min(gsoSize, payload - i * gsoSize);
            if (chunk < 0) {
                chunk = 0;
            }
            int total = headerLen + chunk;
            if (total > dst.byteSize()) {
                return -1;
            }
            MemorySegment.copy(src, 0, dst, 0, headerLen);
            MemorySegment.copy(src, headerLen + (long) i * gsoSize, dst, headerLen, chunk);
            if (v4) {
                dst.set(SHORT_BE, 2, (short) total);
                dst.set(SHORT_BE, 4, (short) (id0 + i));
                dst.set(SHORT_BE, 10, (short) 0);
                dst.set(SHORT_BE, 10, (short) (~fold(sum(dst, 0, ipLen, 0)) & 0xFFFF));
            } else {
                dst.set(SHORT_BE, 4, (short) (total - 40));
            }
            dst.set(INT_BE, ipLen + 4, seq0 + i * gsoSize);
            int flags = flags0;
            if (i != segments - 1) {
                flags &= ~0x09; // FIN and PSH only on the last segment
            }
            if (i != 0) {
                flags &= ~0x80; // CWR only on the first
            }
            dst.set(ValueLayout.JAVA_BYTE, ipLen + 13, (byte) flags);
            dst.set(SHORT_BE, ipLen + 16, (short) 0);
            long acc = sum(dst, ipLen, tcpLen + chunk, pseudoHeaderSum(dst, v4, tcpLen + chunk));
            dst.set(SHORT_BE, ipLen + 16, (short) (~fold(acc) & 0xFFFF));
            sink.done(total);
            written++;
        }
        return written;
    }

    /** Where segments go: {@link #next} gives room for one (or null when full), {@link #done} commits it. */
    interface SegmentSink {
        MemorySegment next();

        void done(int length);
    }
}
