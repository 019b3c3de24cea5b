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
 * Datagrams with their peer addresses, laid out for {@code recvmmsg}/{@code sendmmsg}: a
 * {@link PacketBatch} for the payloads plus one {@code sockaddr_in6}, {@code iovec} and
 * {@code mmsghdr} per slot, all off-heap and made once. IPv4 peers appear as v4-mapped IPv6
 * addresses because the socket is dual-stack. One batch belongs to one thread at a time.
 */
public final class DatagramBatch implements AutoCloseable {

    static final int SOCKADDR_IN6 = 28;
    static final int IOVEC = 16;
    static final int MMSGHDR = 64;
    private static final short AF_INET6 = 10;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PacketBatch packets;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment names;
    private final MemorySegment iovecs;
    private final MemorySegment headers;
    private final MemorySegment[] nameSlots;
    final MemorySegment errno = Libc.newErrnoState(arena);
    final MemorySegment pollfd = arena.allocate(8, 8);

    public DatagramBatch(int slots, int slotSize) {
        packets = new PacketBatch(slots, slotSize);
        names = arena.allocate((long) slots * SOCKADDR_IN6, 8);
        iovecs = arena.allocate((long) slots * IOVEC, 8);
        headers = arena.allocate((long) slots * MMSGHDR, 8);
        nameSlots = new MemorySegment[slots];
        for (int i = 0; i < slots; i++) {
            nameSlots[i] = names.asSlice((long) i * SOCKADDR_IN6, SOCKADDR_IN6);
            MemorySegment iov = iovecs.asSlice((long) i * IOVEC, IOVEC);
            iov.set(ADDRESS, 0, packets.segment(i));
            MemorySegment h = header(i);
            h.set(ADDRESS, 0, nameSlots[i]);
            h.set(ADDRESS, 16, iov);
            h.set(JAVA_LONG, 24, 1L);
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

    MemorySegment headers() {
        return headers;
    }

    private MemorySegment header(int slot) {
        return headers.asSlice((long) slot * MMSGHDR, MMSGHDR);
    }

    /** Readies every slot to receive a datagram of up to the slot size. */
    void prepareReceive() {
        long size = packets.slotSize();
        for (int i = 0; i < capacity(); i++) {
            iovecs.set(JAVA_LONG, (long) i * IOVEC + 8, size);
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_INT, h + 8, SOCKADDR_IN6);
            headers.set(JAVA_LONG, h + 32, 0L);
            headers.set(JAVA_LONG, h + 40, 0L);
            headers.set(JAVA_INT, h + 48, 0);
        }
    }

    /** Records what {@code recvmmsg} filled in: {@code n} datagrams with their lengths. */
    void received(int n) {
        for (int i = 0; i < n; i++) {
            packets.setLength(i, headers.get(JAVA_INT, (long) i * MMSGHDR + 56));
        }
        packets.setCount(n);
    }

    /** Readies slots {@code from..count-1} to be sent with their lengths and addresses. */
    void prepareSend(int from) {
        for (int i = from; i < count(); i++) {
            iovecs.set(JAVA_LONG, (long) i * IOVEC + 8, packets.length(i));
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_INT, h + 8, SOCKADDR_IN6);
            headers.set(JAVA_LONG, h + 32, 0L);
            headers.set(JAVA_LONG, h + 40, 0L);
            headers.set(JAVA_INT, h + 48, 0);
        }
    }

    MemorySegment headersFrom(int slot) {
        return headers.asSlice((long) slot * MMSGHDR);
    }

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

    /** A {@code sockaddr_in6} for a Java address; IPv4 becomes v4-mapped. */
    public static MemorySegment encode(InetSocketAddress address) {
        MemorySegment s = MemorySegment.ofArray(new byte[SOCKADDR_IN6]);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, AF_INET6);
        s.set(SHORT_BE, 2, (short) address.getPort());
        InetAddress a = address.getAddress();
        byte[] raw = a.getAddress();
        if (a instanceof Inet4Address) {
            s.set(JAVA_BYTE, 18, (byte) 0xFF);
            s.set(JAVA_BYTE, 19, (byte) 0xFF);
            MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 20, 4);
        } else {
            MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 8, 16);
            if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            }
        }
        return s;
    }

    public static InetSocketAddress decode(MemorySegment sockaddr) {
        int port = Short.toUnsignedInt(sockaddr.get(SHORT_BE, 2));
        byte[] raw = new byte[16];
        MemorySegment.copy(sockaddr, 8, MemorySegment.ofArray(raw), 0, 16);
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= raw[i] == 0;
        }
        mapped &= raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
        try {
            InetAddress a = mapped
                ? InetAddress.getByAddress(new byte[]{raw[12], raw[13], raw[14], raw[15]})
                : Inet6Address.getByAddress(null, raw, sockaddr.get(ValueLayout.JAVA_INT_UNALIGNED, 24));
            return new InetSocketAddress(a, port);
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
