package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.flint.shell.PacketBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Datagrams with their addresses, laid out for {@code recvmmsg}/{@code sendmmsg}: a
 * {@link PacketBatch} for the payloads plus, per slot, the peer's {@code sockaddr_in6}, an
 * {@code iovec}, an {@code mmsghdr}, a control-message buffer, the local address a datagram
 * arrived at and the source address to send one from; all off-heap and made once. IPv4 addresses
 * appear v4-mapped ({@code ::ffff:a.b.c.d}) because the socket is dual-stack. One batch belongs to
 * one thread at a time.
 *
 * <p>After a receive, a slot holds one datagram: {@link #address} is where it came from and
 * {@link #localAddress} where it arrived (the packet-info control message), even when the kernel
 * delivered it coalesced with others (GRO). For a send, a slot's {@link #address} is the
 * destination and its {@linkplain #setSource source} is optional; like the destination, a source
 * stays set until it is changed or {@linkplain #clearSource cleared}.
 *
 * <p>A batch that receives from a GRO socket also gets a staging area ({@link GroStage}, 1 MiB
 * for 16 or more slots) on its first receive; the kernel writes super-datagrams there and they are
 * copied out one datagram per slot. Batches that only send, or receive without GRO, never make it.
 */
public final class DatagramBatch implements AutoCloseable {

    static final int SOCKADDR_IN6 = 28;
    static final int IOVEC = 16;
    static final int MMSGHDR = 64;
    static final int MSG_TRUNC = 0x20;
    /**
     * The most payload one GSO send may carry: an IPv6 packet's 16-bit payload length less the
     * UDP header and one extension-free IPv6 header's worth of slack (IPv4 allows slightly more).
     */
    static final int MAX_GSO_BYTES = 65535 - 40 - 8;
    private static final short AF_INET6 = 10;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PacketBatch packets;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment names;
    private final MemorySegment iovecs;
    private final MemorySegment headers;
    private final MemorySegment locals;
    private final MemorySegment sources;
    private final MemorySegment sendHeaders;
    private final MemorySegment[] nameSlots;
    private final MemorySegment[] iovSlots;
    private final MemorySegment[] controlSlots;
    private final MemorySegment[] localSlots;
    private final MemorySegment[] sourceSlots;
    private final MemorySegment[] sendHeaderSlots;
    private final MemorySegment[] sendControlSlots;
    private final boolean[] localKnown;
    private final boolean[] hasSource;
    /** Send plan: message {@code g} carries slots {@code groupStart[g]} up to {@code groupStart[g + 1]}. */
    private final int[] groupStart;
    private GroStage stage;
    private int localPort;
    /** What the last receive dropped because it was truncated or too long for a slot. */
    int droppedByReceive;
    /** Super-datagrams the last receive split. */
    int coalescedByReceive;
    final MemorySegment errno = Libc.newErrnoState(arena);
    final MemorySegment pollfd = arena.allocate(8, 8);

    public DatagramBatch(int slots, int slotSize) {
        packets = new PacketBatch(slots, slotSize);
        names = arena.allocate((long) slots * SOCKADDR_IN6, 8);
        iovecs = arena.allocate((long) slots * IOVEC, 8);
        headers = arena.allocate((long) slots * MMSGHDR, 8);
        MemorySegment control = arena.allocate((long) slots * ControlMessages.RECEIVE_SPACE, 8);
        locals = arena.allocate((long) slots * 16, 8);
        sources = arena.allocate((long) slots * 16, 8);
        sendHeaders = arena.allocate((long) slots * MMSGHDR, 8);
        MemorySegment sendControl = arena.allocate((long) slots * ControlMessages.SEND_SPACE, 8);
        nameSlots = new MemorySegment[slots];
        iovSlots = new MemorySegment[slots];
        controlSlots = new MemorySegment[slots];
        localSlots = new MemorySegment[slots];
        sourceSlots = new MemorySegment[slots];
        sendHeaderSlots = new MemorySegment[slots];
        sendControlSlots = new MemorySegment[slots];
        localKnown = new boolean[slots];
        hasSource = new boolean[slots];
        groupStart = new int[slots + 1];
        for (int i = 0; i < slots; i++) {
            nameSlots[i] = names.asSlice((long) i * SOCKADDR_IN6, SOCKADDR_IN6);
            iovSlots[i] = iovecs.asSlice((long) i * IOVEC, IOVEC);
            controlSlots[i] = control.asSlice((long) i * ControlMessages.RECEIVE_SPACE, ControlMessages.RECEIVE_SPACE);
            localSlots[i] = locals.asSlice((long) i * 16, 16);
            sourceSlots[i] = sources.asSlice((long) i * 16, 16);
            sendHeaderSlots[i] = sendHeaders.asSlice((long) i * MMSGHDR);
            sendControlSlots[i] = sendControl.asSlice((long) i * ControlMessages.SEND_SPACE, ControlMessages.SEND_SPACE);
            iovSlots[i].set(ADDRESS, 0, packets.segment(i));
            MemorySegment h = headers.asSlice((long) i * MMSGHDR, MMSGHDR);
            h.set(ADDRESS, 0, nameSlots[i]);
            h.set(ADDRESS, 16, iovSlots[i]);
            h.set(JAVA_LONG, 24, 1L);
            h.set(ADDRESS, 32, controlSlots[i]);
        }
    }

    public PacketBatch packets() {
        return packets;
    }

    public int capacity() {
        return packets.capacity();
    }

    public int count() {
        return packets.count();
    }

    // ---- receiving -------------------------------------------------------------------------

    MemorySegment headers() {
        return headers;
    }

    /** Starts a receive on {@code socket}: clears the slots and forgets datagrams staged by another socket. */
    void beginReceive(Object socket, int port) {
        packets.clear();
        localPort = port;
        droppedByReceive = 0;
        coalescedByReceive = 0;
        if (stage != null && stage.owner != socket) {
            stage.discard();
        }
    }

    /** Readies every slot to receive a datagram of up to the slot size straight from the kernel. */
    void prepareReceive() {
        long size = packets.slotSize();
        for (int i = 0; i < capacity(); i++) {
            iovecs.set(JAVA_LONG, (long) i * IOVEC + 8, size);
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_INT, h + 8, SOCKADDR_IN6);
            headers.set(JAVA_LONG, h + 40, ControlMessages.RECEIVE_SPACE);
            headers.set(JAVA_INT, h + 48, 0);
        }
    }

    /**
     * Records what {@code recvmmsg} filled in straight into the slots: lengths and local addresses.
     * A datagram longer than its slot (the kernel cut it) is dropped and the rest close up behind
     * it; returns how many remain.
     */
    int received(int n) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long h = (long) i * MMSGHDR;
            int length = headers.get(JAVA_INT, h + 56);
            if ((headers.get(JAVA_INT, h + 48) & MSG_TRUNC) != 0) {
                droppedByReceive++;
                continue;
            }
            long parsed = ControlMessages.parse(controlSlots[i], headers.get(JAVA_LONG, h + 40), localSlots[i]);
            if (kept != i) {
                // Rare (a truncated datagram before this one): keep the slots contiguous.
                MemorySegment.copy(packets.segment(i), 0, packets.segment(kept), 0, length);
                MemorySegment.copy(names, (long) i * SOCKADDR_IN6, names, (long) kept * SOCKADDR_IN6, SOCKADDR_IN6);
                MemorySegment.copy(locals, (long) i * 16, locals, (long) kept * 16, 16);
            }
            localKnown[kept] = ControlMessages.localFound(parsed);
            packets.setLength(kept, length);
            kept++;
        }
        packets.setCount(kept);
        return kept;
    }

    /** The staging area for GRO receives, made on first use (a batch that only sends never needs it). */
    /**
     * Whether datagrams the kernel already handed over wait in the GRO stage for the next receive: the socket will not
     * poll readable for them, so a caller that waits must receive first.
     */
    public boolean hasStaged() {
        return stage != null && stage.pending();
    }

    GroStage stage() {
        if (stage == null) {
            stage = new GroStage(arena, capacity());
        }
        return stage;
    }

    /**
     * Splits staged datagrams into the slots after the current count, one datagram per slot, until
     * the batch is full or the stage is empty. Returns the new count.
     */
    int unstage() {
        GroStage s = stage;
        int filled = packets.count();
        int slotSize = packets.slotSize();
        while (filled < capacity() && s != null && s.pending()) {
            int m = s.next;
            int length = s.lengths[m];
            if (length < 0) {
                droppedByReceive++;
                s.next++;
                s.offset = 0;
                continue;
            }
            int size = s.segmentSizes[m] > 0 ? s.segmentSizes[m] : length;
            int piece = Math.min(size, length - s.offset);
            if (piece > slotSize) {
                droppedByReceive++;
            } else {
                MemorySegment.copy(s.buffers, (long) m * GroStage.BUFFER + s.offset, packets.segment(filled), 0, piece);
                MemorySegment.copy(s.names, (long) m * SOCKADDR_IN6, names, (long) filled * SOCKADDR_IN6, SOCKADDR_IN6);
                MemorySegment.copy(s.locals, (long) m * 16, locals, (long) filled * 16, 16);
                localKnown[filled] = s.localKnown[m];
                packets.setLength(filled, piece);
                filled++;
            }
            s.offset += piece;
            if (s.offset >= length) {
                s.next++;
                s.offset = 0;
            }
        }
        packets.setCount(filled);
        return filled;
    }

    /** The port of the socket that filled this batch last, for {@link #localSocketAddress}. */
    int localPort() {
        return localPort;
    }

    // ---- sending ---------------------------------------------------------------------------

    /**
     * Plans slots {@code from..count-1} into {@code sendmmsg} messages and returns how many. With
     * {@code maxSegments > 1}, a run of consecutive slots with the same destination, the same source
     * (or none) and the same length, of which only the last may be shorter, becomes one message whose
     * {@code iovec}s are the slots themselves (no copy) and whose {@code UDP_SEGMENT} tells the kernel
     * where to cut. {@code mappedPacketInfo} sends IPv4 sources as v4-mapped {@code IPV6_PKTINFO}
     * instead of {@code IP_PKTINFO}; see {@link LinuxUdpSocket}.
     */
    int planSend(int from, int maxSegments, boolean mappedPacketInfo) {
        int n = count();
        int groups = 0;
        int i = from;
        while (i < n) {
            int length = packets.length(i);
            int k = 1;
            long bytes = length;
            if (maxSegments > 1 && length > 0) {
                while (i + k < n && k < maxSegments) {
                    int next = packets.length(i + k);
                    if (next > length || next == 0 || bytes + next > MAX_GSO_BYTES || !sameRoute(i, i + k)) {
                        break;
                    }
                    k++;
                    bytes += next;
                    if (next < length) {
                        break;
                    }
                }
            }
            writeSendHeader(groups, i, k, mappedPacketInfo);
            groupStart[groups++] = i;
            i += k;
        }
        groupStart[groups] = n;
        return groups;
    }

    private boolean sameRoute(int a, int b) {
        if (hasSource[a] != hasSource[b]) {
            return false;
        }
        if (MemorySegment.mismatch(names, (long) a * SOCKADDR_IN6, (long) (a + 1) * SOCKADDR_IN6,
                names, (long) b * SOCKADDR_IN6, (long) (b + 1) * SOCKADDR_IN6) >= 0) {
            return false;
        }
        return !hasSource[a] || MemorySegment.mismatch(sources, (long) a * 16, (long) (a + 1) * 16,
            sources, (long) b * 16, (long) (b + 1) * 16) < 0;
    }

    private void writeSendHeader(int group, int first, int segments, boolean mappedPacketInfo) {
        for (int s = first; s < first + segments; s++) {
            iovecs.set(JAVA_LONG, (long) s * IOVEC + 8, packets.length(s));
        }
        MemorySegment control = sendControlSlots[group];
        int controlLength = 0;
        if (hasSource[first]) {
            controlLength += ControlMessages.isV4Mapped(sources, (long) first * 16) && !mappedPacketInfo
                ? ControlMessages.writeIpv4Source(control, 0, sources, (long) first * 16)
                : ControlMessages.writeIpv6Source(control, 0, sources, (long) first * 16);
        }
        if (segments > 1) {
            controlLength += ControlMessages.writeSegmentSize(control, controlLength, packets.length(first));
        }
        long h = (long) group * MMSGHDR;
        sendHeaders.set(ADDRESS, h, nameSlots[first]);
        sendHeaders.set(JAVA_INT, h + 8, SOCKADDR_IN6);
        sendHeaders.set(ADDRESS, h + 16, iovSlots[first]);
        sendHeaders.set(JAVA_LONG, h + 24, segments);
        sendHeaders.set(ADDRESS, h + 32, controlLength == 0 ? MemorySegment.NULL : control);
        sendHeaders.set(JAVA_LONG, h + 40, controlLength);
        sendHeaders.set(JAVA_INT, h + 48, 0);
    }

    MemorySegment sendHeadersFrom(int group) {
        return sendHeaderSlots[group];
    }

    /** The first slot of planned message {@code group}; {@code groupStart(groups)} is the count. */
    int groupStart(int group) {
        return groupStart[group];
    }

    /** How many datagrams planned message {@code group} carries. */
    int segments(int group) {
        return groupStart[group + 1] - groupStart[group];
    }

    // ---- addresses -------------------------------------------------------------------------

    /** The raw {@code sockaddr_in6} of a slot: the source after a receive, the destination for a send. */
    public MemorySegment address(int slot) {
        return nameSlots[slot];
    }

    /** Sets a slot's destination from a raw address (e.g. a peer's cached {@link #encode}). */
    public void setAddress(int slot, MemorySegment sockaddr) {
        MemorySegment.copy(sockaddr, 0, nameSlots[slot], 0, SOCKADDR_IN6);
    }

    /** Whether a slot's address equals a raw address: port, flow info, address and scope. */
    public boolean addressEquals(int slot, MemorySegment sockaddr) {
        return MemorySegment.mismatch(nameSlots[slot], 0, SOCKADDR_IN6, sockaddr, 0, SOCKADDR_IN6) < 0;
    }

    /** The slot's address as a Java object (allocates; for rare paths and caches). */
    public InetSocketAddress socketAddress(int slot) {
        return decode(nameSlots[slot]);
    }

    /**
     * The 16-byte address a received datagram arrived at (IPv4 v4-mapped), read from its packet-info
     * control message; all zeros when {@link #hasLocalAddress} is false. The same segment every time.
     */
    public MemorySegment localAddress(int slot) {
        return localSlots[slot];
    }

    /** Whether the kernel said where the datagram in this slot arrived (it does whenever packet info is on). */
    public boolean hasLocalAddress(int slot) {
        return localKnown[slot];
    }

    /** Whether a slot's local address equals a 16-byte address (see {@link #encodeAddress}). */
    public boolean localAddressEquals(int slot, MemorySegment address) {
        return localKnown[slot] && MemorySegment.mismatch(localSlots[slot], 0, 16, address, 0, 16) < 0;
    }

    /** The local address and the receiving socket's port (allocates), or null when it is unknown. */
    public InetSocketAddress localSocketAddress(int slot) {
        return localKnown[slot] ? new InetSocketAddress(decodeAddress(localSlots[slot]), localPort) : null;
    }

    /**
     * Sends this slot from {@code address} (16 bytes, IPv4 v4-mapped; e.g. a received
     * {@link #localAddress}, or a cached {@link #encodeAddress}) instead of the address the route
     * would choose. The address must be one of this host's, and of the destination's family.
     */
    public void setSource(int slot, MemorySegment address) {
        MemorySegment.copy(address, 0, sourceSlots[slot], 0, 16);
        hasSource[slot] = true;
    }

    /** {@link #setSource(int, MemorySegment)} for a Java address (allocates). */
    public void setSource(int slot, InetAddress address) {
        setSource(slot, encodeAddress(address));
    }

    /** Lets the kernel choose this slot's source address by route again. */
    public void clearSource(int slot) {
        hasSource[slot] = false;
    }

    public boolean hasSource(int slot) {
        return hasSource[slot];
    }

    /** A {@code sockaddr_in6} for a Java address; IPv4 becomes v4-mapped. */
    public static MemorySegment encode(InetSocketAddress address) {
        MemorySegment s = MemorySegment.ofArray(new byte[SOCKADDR_IN6]);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, AF_INET6);
        s.set(SHORT_BE, 2, (short) address.getPort());
        InetAddress a = address.getAddress();
        MemorySegment.copy(encodeAddress(a), 0, s, 8, 16);
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        }
        return s;
    }

    public static InetSocketAddress decode(MemorySegment sockaddr) {
        int port = Short.toUnsignedInt(sockaddr.get(SHORT_BE, 2));
        InetAddress a = decodeAddress(sockaddr.asSlice(8, 16));
        int scope = sockaddr.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
        if (a instanceof Inet6Address && scope != 0) {
            try {
                a = Inet6Address.getByAddress(null, a.getAddress(), scope);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return new InetSocketAddress(a, port);
    }

    /** The 16-byte form of an IP address: IPv6 as is, IPv4 v4-mapped. */
    public static MemorySegment encodeAddress(InetAddress address) {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            s.set(JAVA_BYTE, 10, (byte) 0xFF);
            s.set(JAVA_BYTE, 11, (byte) 0xFF);
            MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 12, 4);
        } else {
            MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 0, 16);
        }
        return s;
    }

    /** The Java address of a 16-byte address: v4-mapped becomes {@link Inet4Address}. */
    public static InetAddress decodeAddress(MemorySegment address) {
        byte[] raw = address.asSlice(0, 16).toArray(JAVA_BYTE);
        try {
            return ControlMessages.isV4Mapped(address, 0)
                ? InetAddress.getByAddress(new byte[]{raw[12], raw[13], raw[14], raw[15]})
                : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        packets.close();
        arena.close();
    }
}
