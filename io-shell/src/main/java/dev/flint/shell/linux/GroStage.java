package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a GRO socket's {@code recvmmsg} lands before the datagrams are split into a
 * {@link DatagramBatch}'s slots. With {@code UDP_GRO} one received message can be a super-datagram
 * of up to 64 segments and 64 KiB, so every staged message gets a 64 KiB buffer: anything smaller
 * would let the kernel truncate a coalesced run. {@value #MAX_MESSAGES} messages (1 MiB) per batch
 * bound the memory; one {@code recvmmsg} takes at most that many, and the socket calls again while
 * the batch has free slots.
 *
 * <p>Splitting can yield more datagrams than the batch has free slots. What does not fit stays
 * here ({@link #next}, {@link #offset}) and is handed out first by the next receive on the same
 * socket, so nothing is dropped for lack of room and no batch ever overflows.
 */
final class GroStage {

    static final int MAX_MESSAGES = 16;
    static final int BUFFER = 65536;

    final int messages;
    final MemorySegment buffers;
    final MemorySegment names;
    final MemorySegment headers;
    final MemorySegment locals;
    private final MemorySegment iovecs;
    private final MemorySegment control;
    private final MemorySegment[] controlSlots;
    private final MemorySegment[] localSlots;

    /** The socket the staged datagrams came from: a different socket's receive discards them. */
    Object owner;
    /** Staged messages, the next one to split, and how many of its bytes are already split. */
    int count;
    int next;
    int offset;
    /** Per staged message: its length (-1 when the kernel truncated it), GRO segment size (0: none), local address known. */
    final int[] lengths;
    final int[] segmentSizes;
    final boolean[] localKnown;

    GroStage(Arena arena, int capacity) {
        messages = Math.min(capacity, MAX_MESSAGES);
        buffers = arena.allocate((long) messages * BUFFER, 64);
        names = arena.allocate((long) messages * DatagramBatch.SOCKADDR_IN6, 8);
        iovecs = arena.allocate((long) messages * DatagramBatch.IOVEC, 8);
        headers = arena.allocate((long) messages * DatagramBatch.MMSGHDR, 8);
        control = arena.allocate((long) messages * ControlMessages.RECEIVE_SPACE, 8);
        locals = arena.allocate((long) messages * 16, 8);
        controlSlots = new MemorySegment[messages];
        localSlots = new MemorySegment[messages];
        lengths = new int[messages];
        segmentSizes = new int[messages];
        localKnown = new boolean[messages];
        for (int i = 0; i < messages; i++) {
            controlSlots[i] = control.asSlice((long) i * ControlMessages.RECEIVE_SPACE, ControlMessages.RECEIVE_SPACE);
            localSlots[i] = locals.asSlice((long) i * 16, 16);
            MemorySegment iov = iovecs.asSlice((long) i * DatagramBatch.IOVEC, DatagramBatch.IOVEC);
            iov.set(ADDRESS, 0, buffers.asSlice((long) i * BUFFER, BUFFER));
            long h = (long) i * DatagramBatch.MMSGHDR;
            headers.set(ADDRESS, h, names.asSlice((long) i * DatagramBatch.SOCKADDR_IN6, DatagramBatch.SOCKADDR_IN6));
            headers.set(ADDRESS, h + 16, iov);
            headers.set(JAVA_LONG, h + 24, 1L);
            headers.set(ADDRESS, h + 32, controlSlots[i]);
        }
    }

    boolean pending() {
        return next < count;
    }

    void discard() {
        count = 0;
        next = 0;
        offset = 0;
    }

    /** Readies the first {@code want} messages for {@code recvmmsg}; the kernel overwrites these fields. */
    void prepare(int want) {
        for (int i = 0; i < want; i++) {
            iovecs.set(JAVA_LONG, (long) i * DatagramBatch.IOVEC + 8, BUFFER);
            long h = (long) i * DatagramBatch.MMSGHDR;
            headers.set(JAVA_INT, h + 8, DatagramBatch.SOCKADDR_IN6);
            headers.set(JAVA_LONG, h + 40, ControlMessages.RECEIVE_SPACE);
            headers.set(JAVA_INT, h + 48, 0);
        }
    }

    /** Records what {@code recvmmsg} filled in. Returns how many messages were super-datagrams. */
    int received(int n, Object from) {
        owner = from;
        count = n;
        next = 0;
        offset = 0;
        int coalesced = 0;
        for (int i = 0; i < n; i++) {
            long h = (long) i * DatagramBatch.MMSGHDR;
            int flags = headers.get(JAVA_INT, h + 48);
            int length = headers.get(JAVA_INT, h + 56);
            long parsed = ControlMessages.parse(controlSlots[i], headers.get(JAVA_LONG, h + 40), localSlots[i]);
            int segment = ControlMessages.segmentSize(parsed);
            lengths[i] = (flags & DatagramBatch.MSG_TRUNC) != 0 ? -1 : length;
            segmentSizes[i] = segment > 0 && segment < length ? segment : 0;
            localKnown[i] = ControlMessages.localFound(parsed);
            if (segmentSizes[i] > 0) {
                coalesced++;
            }
        }
        return coalesced;
    }
}
