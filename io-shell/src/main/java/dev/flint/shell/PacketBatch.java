package dev.flint.shell;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A reusable batch of packet slots in one off-heap block. Each slot has a fixed capacity and a
 * length; the per-slot {@link ByteBuffer} and {@link MemorySegment} views are made once, so
 * filling and draining a batch allocates nothing. One batch belongs to one thread at a time.
 */
public final class PacketBatch implements AutoCloseable {

    private final Arena arena;
    private final MemorySegment memory;
    private final MemorySegment[] segments;
    private final ByteBuffer[] buffers;
    private final int[] lengths;
    private final int slotSize;
    private int count;

    public PacketBatch(int slots, int slotSize) {
        this.arena = Arena.ofShared();
        this.slotSize = slotSize;
        this.memory = arena.allocate((long) slots * slotSize, 64);
        this.segments = new MemorySegment[slots];
        this.buffers = new ByteBuffer[slots];
        this.lengths = new int[slots];
        for (int i = 0; i < slots; i++) {
            segments[i] = memory.asSlice((long) i * slotSize, slotSize);
            buffers[i] = segments[i].asByteBuffer();
        }
    }

    public int capacity() {
        return segments.length;
    }

    public int slotSize() {
        return slotSize;
    }

    /** How many slots hold packets, from slot 0. */
    public int count() {
        return count;
    }

    public void setCount(int count) {
        if (count < 0 || count > segments.length) {
            throw new IndexOutOfBoundsException(count);
        }
        this.count = count;
    }

    public void clear() {
        count = 0;
    }

    public int length(int slot) {
        return lengths[slot];
    }

    public void setLength(int slot, int length) {
        if (length < 0 || length > slotSize) {
            throw new IndexOutOfBoundsException(length);
        }
        lengths[slot] = length;
    }

    /** The whole slot (its full capacity) as a segment. */
    public MemorySegment segment(int slot) {
        return segments[slot];
    }

    /**
     * The slot as a byte buffer over its full capacity; callers set position and limit. The same
     * buffer object is returned every time.
     */
    public ByteBuffer buffer(int slot) {
        return buffers[slot];
    }

    /** Appends a packet copied from {@code src} (its remaining bytes); false if the batch is full. */
    public boolean add(ByteBuffer src) {
        if (count == segments.length || src.remaining() > slotSize) {
            return false;
        }
        int n = src.remaining();
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, segments[count], 0, n);
        lengths[count++] = n;
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }
}
