package dev.flint.connlib.tunnel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A bounded FIFO of packets that drops byte-identical duplicates (retransmissions) and, when full, the oldest. */
final class UniquePacketBuffer {
    private final int capacity;
    private final ArrayDeque<byte[]> packets = new ArrayDeque<>();

    UniquePacketBuffer(int capacity) {
        this.capacity = capacity;
    }

    void add(byte[] p) {
        for (byte[] q : packets) {
            if (Arrays.equals(p, q)) {
                return;
            }
        }
        if (packets.size() == capacity) {
            packets.removeFirst();
        }
        packets.addLast(p);
    }

    List<byte[]> drain() {
        List<byte[]> l = new ArrayList<>(packets);
        packets.clear();
        return l;
    }

    int size() {
        return packets.size();
    }
}
