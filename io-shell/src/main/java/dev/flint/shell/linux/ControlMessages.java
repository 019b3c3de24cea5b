package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The ancillary data ({@code struct cmsghdr}) the UDP socket reads and writes on x86-64/aarch64 Linux:
 * {@code size_t cmsg_len; int cmsg_level; int cmsg_type;} then the data at offset 16, each message
 * padded to 8 bytes. Reading never trusts the kernel's (or a test's) lengths: a header that runs
 * past the buffer or is shorter than itself ends the walk, so a truncated buffer loses at most the
 * message it cuts.
 */
final class ControlMessages {

    static final int HEADER = 16;
    static final int IPPROTO_IP = 0;
    static final int IP_PKTINFO = 8;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;

    /** {@code struct in_pktinfo}: ifindex, spec_dst, addr. */
    static final int IN_PKTINFO = 12;
    /** {@code struct in6_pktinfo}: addr, ifindex. */
    static final int IN6_PKTINFO = 20;

    /** Room for what a receive can bring: IPV6_PKTINFO (40) + IP_PKTINFO (32) + UDP_GRO (24), with slack. */
    static final int RECEIVE_SPACE = 128;
    /** Room for what a send writes: one packet-info message (at most 40) + UDP_SEGMENT (24). */
    static final int SEND_SPACE = 64;

    /** Returned by {@link #parse} when the local address was found; the low 32 bits carry the GRO size. */
    static final long LOCAL_FOUND = 1L << 32;

    private ControlMessages() {
    }

    static int align(long length) {
        return (int) ((length + 7) & ~7L);
    }

    static int space(int dataLength) {
        return HEADER + align(dataLength);
    }

    /**
     * Walks received control messages: the packet's destination address goes to {@code local} (16
     * bytes, IPv4 as v4-mapped) and the GRO segment size is returned in the low 32 bits, 0 when the
     * datagram was not coalesced; {@link #LOCAL_FOUND} is set when a packet-info message was there.
     * Both IP_PKTINFO and IPV6_PKTINFO can arrive for an IPv4 datagram on a dual-stack socket; they
     * name the same address, so whichever comes last wins.
     */
    static long parse(MemorySegment control, long length, MemorySegment local) {
        long end = Math.min(length, control.byteSize());
        long off = 0;
        long result = 0;
        int gro = 0;
        while (end - off >= HEADER) {
            long cmsgLen = control.get(JAVA_LONG_UNALIGNED, off);
            if (cmsgLen < HEADER || cmsgLen > end - off) {
                break;
            }
            int level = control.get(JAVA_INT_UNALIGNED, off + 8);
            int type = control.get(JAVA_INT_UNALIGNED, off + 12);
            long data = off + HEADER;
            long dataLen = cmsgLen - HEADER;
            if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && dataLen >= IN6_PKTINFO) {
                MemorySegment.copy(control, data, local, 0, 16);
                result = LOCAL_FOUND;
            } else if (level == IPPROTO_IP && type == IP_PKTINFO && dataLen >= IN_PKTINFO) {
                // ipi_addr (the header's destination) rather than ipi_spec_dst (the address routing
                // would answer from): they differ only for broadcast, and the header is what quinn-udp
                // reports to Firezone's connlib.
                writeMapped(local, control, data + 8);
                result = LOCAL_FOUND;
            } else if (level == SOL_UDP && type == UDP_GRO && dataLen >= 4) {
                gro = Math.max(0, control.get(JAVA_INT_UNALIGNED, data));
            }
            off += align(cmsgLen);
        }
        return result | gro;
    }

    static int segmentSize(long parsed) {
        return (int) parsed;
    }

    static boolean localFound(long parsed) {
        return (parsed & LOCAL_FOUND) != 0;
    }

    /** Whether a 16-byte IPv6 address is v4-mapped ({@code ::ffff:a.b.c.d}). */
    static boolean isV4Mapped(MemorySegment address, long offset) {
        return address.get(JAVA_LONG_UNALIGNED, offset) == 0
            && address.get(JAVA_SHORT_UNALIGNED, offset + 8) == 0
            && address.get(JAVA_BYTE, offset + 10) == (byte) 0xFF
            && address.get(JAVA_BYTE, offset + 11) == (byte) 0xFF;
    }

    private static void writeMapped(MemorySegment local, MemorySegment v4, long v4Offset) {
        local.set(JAVA_LONG_UNALIGNED, 0, 0L);
        local.set(JAVA_SHORT_UNALIGNED, 8, (short) 0);
        local.set(JAVA_BYTE, 10, (byte) 0xFF);
        local.set(JAVA_BYTE, 11, (byte) 0xFF);
        MemorySegment.copy(v4, v4Offset, local, 12, 4);
    }

    /**
     * Writes an {@code IP_PKTINFO} asking for source {@code ipi_spec_dst} = the IPv4 part of the
     * v4-mapped {@code source}; interface 0 lets the route choose the device. Returns the space used.
     */
    static int writeIpv4Source(MemorySegment control, long off, MemorySegment source, long sourceOffset) {
        writeHeader(control, off, IN_PKTINFO, IPPROTO_IP, IP_PKTINFO);
        control.set(JAVA_INT_UNALIGNED, off + HEADER, 0);
        MemorySegment.copy(source, sourceOffset + 12, control, off + HEADER + 4, 4);
        control.set(JAVA_INT_UNALIGNED, off + HEADER + 8, 0);
        control.set(JAVA_INT_UNALIGNED, off + HEADER + 12, 0); // padding: keep it defined
        return space(IN_PKTINFO);
    }

    /** Writes an {@code IPV6_PKTINFO} with source {@code ipi6_addr} and interface 0. Returns the space used. */
    static int writeIpv6Source(MemorySegment control, long off, MemorySegment source, long sourceOffset) {
        writeHeader(control, off, IN6_PKTINFO, IPPROTO_IPV6, IPV6_PKTINFO);
        MemorySegment.copy(source, sourceOffset, control, off + HEADER, 16);
        control.set(JAVA_INT_UNALIGNED, off + HEADER + 16, 0);
        control.set(JAVA_INT_UNALIGNED, off + HEADER + 20, 0); // padding
        return space(IN6_PKTINFO);
    }

    /**
     * Writes a {@code UDP_SEGMENT} with the GSO segment size. The kernel insists on
     * {@code cmsg_len == CMSG_LEN(sizeof(__u16))} exactly. Returns the space used.
     */
    static int writeSegmentSize(MemorySegment control, long off, int segmentSize) {
        writeHeader(control, off, 2, SOL_UDP, UDP_SEGMENT);
        control.set(JAVA_SHORT_UNALIGNED, off + HEADER, (short) segmentSize);
        control.set(JAVA_SHORT_UNALIGNED, off + HEADER + 2, (short) 0);
        control.set(JAVA_INT_UNALIGNED, off + HEADER + 4, 0);
        return space(2);
    }

    private static void writeHeader(MemorySegment control, long off, int dataLength, int level, int type) {
        control.set(JAVA_LONG_UNALIGNED, off, HEADER + dataLength);
        control.set(JAVA_INT_UNALIGNED, off + 8, level);
        control.set(JAVA_INT_UNALIGNED, off + 12, type);
    }
}
