package dev.flint.shell.linux;

import dev.flint.shell.PacketBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What GRO does in a NIC, done for writes to a TUN opened with {@code IFF_VNET_HDR}: consecutive TCP segments of one
 * flow in a batch are merged into one super-packet with a {@code virtio_net_hdr} saying TSO (its segment size) and a
 * partial checksum, so the kernel takes forty segments in one write and one pass through its stack, and forwards or
 * delivers them as the NIC's GRO would have. The reverse of {@link TcpSegmentation}. A run ends at anything that
 * must stand alone: another flow, a gap in the sequence, other flags than ACK (PSH only on the last), other options,
 * acknowledgement or window, a shorter segment, or 64 KiB.
 */
final class TcpCoalescing {
    /** The IPv4 total length field's limit, and the TUN's super-packet buffer. */
    static final int MAX_PACKET = 65535;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private static final ValueLayout.OfShort SHORT_BE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private TcpCoalescing() {
    }

    /** Where the TCP header starts, or -1 if the packet can never join a run (not plain TCP with data). */
    static int tcpOffset(MemorySegment p, int length) {
        if (length < 1) {
            return -1;
        }
        int version = (p.get(ValueLayout.JAVA_BYTE, 0) >>> 4) & 0xF;
        int ip;
        if (version == 4) {
            if (length < 40 || (p.get(ValueLayout.JAVA_BYTE, 0) & 0xF) != 5 || p.get(ValueLayout.JAVA_BYTE, 9) != 6
                || (p.get(SHORT_BE, 6) & 0x3FFF) != 0) {
                return -1; // options, not TCP, or a fragment
            }
            ip = 20;
        } else if (version == 6) {
            if (length < 60 || p.get(ValueLayout.JAVA_BYTE, 6) != 6) {
                return -1; // not TCP right after the fixed header
            }
            ip = 40;
        } else {
            return -1;
        }
        int tcpLength = ((p.get(ValueLayout.JAVA_BYTE, ip + 12) >>> 4) & 0xF) * 4;
        int flags = p.get(ValueLayout.JAVA_BYTE, ip + 13) & 0xFF;
        if (tcpLength < 20 || ip + tcpLength >= length || (flags & ~(ACK | PSH)) != 0 || (flags & ACK) == 0) {
            return -1;
        }
        return ip;
    }

    /** How many slots from {@code from} (below {@code count}) form one run; 1 when the packet stands alone. */
    static int runLength(PacketBatch batch, int from, int count) {
        MemorySegment head = batch.segment(from);
        int headLength = batch.length(from);
        int ip = tcpOffset(head, headLength);
        if (ip < 0) {
            return 1;
        }
        int header = ip + tcpHeaderLength(head, ip);
        int segment = headLength - header;
        int total = headLength;
        int expectedSeq = head.get(INT_BE, ip + 4) + segment;
        boolean pushed = (head.get(ValueLayout.JAVA_BYTE, ip + 13) & PSH) != 0;
        int n = 1;
        for (int j = from + 1; j < count && !pushed; j++) {
            MemorySegment p = batch.segment(j);
            int length = batch.length(j);
            if (tcpOffset(p, length) != ip || !sameFlowAndHeader(head, p, ip, header)) {
                break;
            }
            int payload = length - header;
            if (payload > segment || total + payload > MAX_PACKET || p.get(INT_BE, ip + 4) != expectedSeq) {
                break;
            }
            n++;
            total += payload;
            expectedSeq += payload;
            pushed = (p.get(ValueLayout.JAVA_BYTE, ip + 13) & PSH) != 0;
            if (payload < segment) {
                break; // only the last segment may be shorter
            }
        }
        return n;
    }

    private static int tcpHeaderLength(MemorySegment p, int ip) {
        return ((p.get(ValueLayout.JAVA_BYTE, ip + 12) >>> 4) & 0xF) * 4;
    }

    /**
     * Same addresses, ports, IP header fields that survive segmentation (TOS, TTL, DF; traffic class, flow label,
     * hop limit), TCP header length, acknowledgement, window and options: everything but length, id, checksums,
     * sequence number and PSH.
     */
    private static boolean sameFlowAndHeader(MemorySegment a, MemorySegment b, int ip, int header) {
        if (ip == 20) {
            if (a.get(ValueLayout.JAVA_BYTE, 1) != b.get(ValueLayout.JAVA_BYTE, 1)
                || a.get(ValueLayout.JAVA_BYTE, 6) != b.get(ValueLayout.JAVA_BYTE, 6)
                || a.get(ValueLayout.JAVA_BYTE, 8) != b.get(ValueLayout.JAVA_BYTE, 8)
                || MemorySegment.mismatch(a, 12, 20, b, 12, 20) >= 0) {
                return false;
            }
        } else if (MemorySegment.mismatch(a, 0, 4, b, 0, 4) >= 0 || a.get(ValueLayout.JAVA_BYTE, 7) != b.get(
            ValueLayout.JAVA_BYTE, 7) || MemorySegment.mismatch(a, 8, 40, b, 8, 40) >= 0) {
            return false;
        }
        return tcpHeaderLength(b, ip) == header - ip
            && MemorySegment.mismatch(a, ip, ip + 4, b, ip, ip + 4) < 0 // ports
            && MemorySegment.mismatch(a, ip + 8, ip + 12, b, ip + 8, ip + 12) < 0 // acknowledgement
            && MemorySegment.mismatch(a, ip + 14, ip + 16, b, ip + 14, ip + 16) < 0 // window
            && MemorySegment.mismatch(a, ip + 20, header, b, ip + 20, header) < 0; // options
    }

    /**
     * Merges slots {@code [from, from + n)} into {@code out}: the first packet's headers, every payload, lengths and
     * the IPv4 header checksum set, PSH as the last segment had it, and the TCP checksum field holding the
     * pseudo-header sum for the kernel to finish; fills {@code vnet} (10 bytes) to match. Returns the length.
     */
    static int merge(PacketBatch batch, int from, int n, MemorySegment vnet, MemorySegment out) {
        MemorySegment head = batch.segment(from);
        int ip = tcpOffset(head, batch.length(from));
        int header = ip + tcpHeaderLength(head, ip);
        int segment = batch.length(from) - header;
        MemorySegment.copy(head, 0, out, 0, header);
        int at = header;
        for (int j = from; j < from + n; j++) {
            int payload = batch.length(j) - header;
            MemorySegment.copy(batch.segment(j), header, out, at, payload);
            at += payload;
        }
        boolean v4 = ip == 20;
        if (v4) {
            out.set(SHORT_BE, 2, (short) at);
            out.set(SHORT_BE, 10, (short) 0);
            out.set(SHORT_BE, 10, (short) (~TcpSegmentation.fold(TcpSegmentation.sum(out, 0, 20, 0)) & 0xFFFF));
        } else {
            out.set(SHORT_BE, 4, (short) (at - 40));
        }
        int lastFlags = batch.segment(from + n - 1).get(ValueLayout.JAVA_BYTE, ip + 13) & 0xFF;
        out.set(ValueLayout.JAVA_BYTE, ip + 13, (byte) lastFlags);
        int tcpLength = at - ip;
        out.set(SHORT_BE, ip + 16, (short) TcpSegmentation.fold(TcpSegmentation.pseudoHeaderSum(out, v4, tcpLength)));
        vnet.set(ValueLayout.JAVA_BYTE, 0, (byte) TcpSegmentation.F_NEEDS_CSUM);
        vnet.set(ValueLayout.JAVA_BYTE, 1, (byte) (v4 ? TcpSegmentation.GSO_TCPV4 : TcpSegmentation.GSO_TCPV6));
        vnet.set(SHORT_LE, 2, (short) header);
        vnet.set(SHORT_LE, 4, (short) segment);
        vnet.set(SHORT_LE, 6, (short) ip);
        vnet.set(SHORT_LE, 8, (short) 16);
        return at;
    }
}
