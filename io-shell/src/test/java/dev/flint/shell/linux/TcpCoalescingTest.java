package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.shell.PacketBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Segments merged for one TUN write are exactly the super-packet they were cut from, and nothing else merges. */
class TcpCoalescingTest {
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    /** The segments {@link TcpSegmentation} cuts from a super-packet, in a batch as the event loop fills one. */
    static PacketBatch segments(byte[] superPacket, int gso) {
        PacketBatch batch = new PacketBatch(64, 2048);
        MemorySegment src = MemorySegment.ofArray(superPacket);
        int[] count = {0};
        int n = TcpSegmentation.split(src, superPacket.length, gso, 0, new TcpSegmentation.SegmentSink() {
            @Override
            public MemorySegment next() {
                return count[0] == batch.capacity() ? null : batch.segment(count[0]);
            }

            @Override
            public void done(int length) {
                batch.setLength(count[0]++, length);
            }
        });
        batch.setCount(n);
        return batch;
    }

    private static byte[] merged(PacketBatch batch, int from, int n, byte[] vnetOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vnet = arena.allocate(TcpSegmentation.VNET_HDR_LEN);
            MemorySegment out = arena.allocate(TcpCoalescing.MAX_PACKET);
            int length = TcpCoalescing.merge(batch, from, n, vnet, out);
            MemorySegment.copy(vnet, ValueLayout.JAVA_BYTE, 0, vnetOut, 0, vnetOut.length);
            byte[] bytes = new byte[length];
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, bytes, 0, length);
            return bytes;
        }
    }

    @Property(tries = 200)
    void theSegmentsOfASuperPacketMergeBackIntoIt(@ForAll boolean v4, @ForAll @IntRange(min = 1, max = 40000) int payload,
                                                  @ForAll @IntRange(min = 500, max = 1400) int gso,
                                                  @ForAll boolean pushed) {
        net.jqwik.api.Assume.that(payload <= 64 * gso); // what one batch of 64 slots can hold
        byte[] original = TcpSegmentationTest.superPacket(v4, payload, ACK | (pushed ? PSH : 0), payload);
        PacketBatch batch = segments(original, gso);
        int expected = batch.count();
        assertThat(TcpCoalescing.runLength(batch, 0, batch.count())).isEqualTo(expected);
        if (expected == 1) {
            return; // a packet that stands alone is written as it is
        }
        byte[] vnet = new byte[TcpSegmentation.VNET_HDR_LEN];
        byte[] merged = merged(batch, 0, expected, vnet);
        int ip = v4 ? 20 : 40;
        assertThat(merged).hasSameSizeAs(original);
        // Everything but the TCP checksum (the kernel finishes it: the field holds the pseudo-header sum).
        byte[] a = original.clone();
        byte[] b = merged.clone();
        a[ip + 16] = b[ip + 16];
        a[ip + 17] = b[ip + 17];
        if (v4) {
            a[10] = b[10];
            a[11] = b[11];
        }
        assertThat(b).isEqualTo(a);
        ByteBuffer h = ByteBuffer.wrap(vnet).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.get(0)).isEqualTo((byte) TcpSegmentation.F_NEEDS_CSUM);
        assertThat(h.get(1)).isEqualTo((byte) (v4 ? TcpSegmentation.GSO_TCPV4 : TcpSegmentation.GSO_TCPV6));
        assertThat(h.getShort(2)).isEqualTo((short) (ip + 32));
        assertThat(h.getShort(4)).isEqualTo((short) gso);
        assertThat(h.getShort(6)).isEqualTo((short) ip);
        assertThat(h.getShort(8)).isEqualTo((short) 16);
        TcpSegmentation.completeChecksum(MemorySegment.ofArray(merged), merged.length, ip, 16);
        TcpSegmentationTest.assertChecksumsValid(merged, v4);
    }

    @Test
    void aSegmentThatCannotContinueTheRunEndsIt() {
        byte[] original = TcpSegmentationTest.superPacket(true, 5000, ACK, 1);
        PacketBatch batch = segments(original, 1000); // five segments of 1000
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(5);

        MemorySegment third = batch.segment(2);
        third.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 24, 1); // a gap in the sequence
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(2);
        assertThat(TcpCoalescing.runLength(batch, 2, 5)).as("the gap starts a run of its own").isEqualTo(1);

        batch = segments(original, 1000);
        batch.segment(1).set(ValueLayout.JAVA_BYTE, 33, (byte) (ACK | PSH)); // PSH ends a run after it
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(2);

        batch = segments(original, 1000);
        batch.segment(3).set(ValueLayout.JAVA_BYTE, 33, (byte) (ACK | 0x01)); // FIN stands alone
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(3);

        batch = segments(original, 1000);
        batch.segment(1).set(ValueLayout.JAVA_BYTE, 28, (byte) 7); // another acknowledgement
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(1);

        batch = segments(original, 1000);
        batch.segment(1).set(ValueLayout.JAVA_BYTE, 23, (byte) 3); // another port: another flow
        assertThat(TcpCoalescing.runLength(batch, 0, 5)).isEqualTo(1);
    }

    @Test
    void onlyTheLastSegmentMayBeShorterAndSixtyFourKibibytesIsTheLimit() {
        PacketBatch batch = segments(TcpSegmentationTest.superPacket(true, 2500, ACK, 2), 1000); // 1000, 1000, 500
        assertThat(TcpCoalescing.runLength(batch, 0, 3)).isEqualTo(3);

        PacketBatch big = segments(TcpSegmentationTest.superPacket(false, 63000, ACK, 3), 1400); // 45 segments
        assertThat(TcpCoalescing.runLength(big, 0, big.count())).isEqualTo(big.count());
        assertThat(big.count()).isEqualTo(45);
        int limit = (TcpCoalescing.MAX_PACKET - 72) / 1400; // 40-byte IPv6 + 32-byte TCP header
        PacketBatch bigger = segments(TcpSegmentationTest.superPacket(true, 64 * 1400, ACK, 4), 1400);
        assertThat(TcpCoalescing.runLength(bigger, 0, bigger.count())).isLessThanOrEqualTo(limit + 1)
            .isLessThan(bigger.count());
    }

    @Test
    void whatIsNotPlainTcpWithDataStandsAlone() {
        byte[] udp = TcpSegmentationTest.superPacket(true, 100, ACK, 5);
        udp[9] = 17;
        assertThat(TcpCoalescing.tcpOffset(MemorySegment.ofArray(udp), udp.length)).isEqualTo(-1);
        byte[] options = TcpSegmentationTest.superPacket(true, 100, ACK, 6);
        options[0] = 0x46; // IPv4 header with options
        assertThat(TcpCoalescing.tcpOffset(MemorySegment.ofArray(options), options.length)).isEqualTo(-1);
        byte[] empty = TcpSegmentationTest.superPacket(false, 0, ACK, 7);
        assertThat(TcpCoalescing.tcpOffset(MemorySegment.ofArray(empty), empty.length)).as("a pure ACK").isEqualTo(-1);
        byte[] syn = TcpSegmentationTest.superPacket(true, 10, 0x02 | ACK, 8);
        assertThat(TcpCoalescing.tcpOffset(MemorySegment.ofArray(syn), syn.length)).isEqualTo(-1);
    }
}
