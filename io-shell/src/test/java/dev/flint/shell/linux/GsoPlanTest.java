package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link DatagramBatch#planSend} cuts a batch into sendmmsg messages, read back from the headers it writes. */
class GsoPlanTest {

    private static final MemorySegment P = DatagramBatch.encode(new InetSocketAddress("10.0.0.2", 5000));
    private static final MemorySegment Q = DatagramBatch.encode(new InetSocketAddress("10.0.0.2", 5001));
    private final DatagramBatch batch = new DatagramBatch(128, 2048);

    @AfterEach
    void close() {
        batch.close();
    }

    private void add(int length, MemorySegment to) {
        int slot = batch.count();
        assertThat(batch.packets().add(ByteBuffer.allocate(length))).isTrue();
        batch.setAddress(slot, to);
        batch.clearSource(slot);
    }

    /** Segments per planned message. */
    private List<Integer> plan(int maxSegments) {
        int groups = batch.planSend(0, maxSegments, false);
        List<Integer> sizes = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            sizes.add(batch.segments(g));
            MemorySegment h = batch.sendHeadersFrom(g);
            assertThat(h.get(JAVA_LONG, 24)).as("iovlen of message %d", g).isEqualTo(batch.segments(g));
        }
        assertThat(batch.groupStart(groups)).isEqualTo(batch.count());
        return sizes;
    }

    /** The UDP_SEGMENT size in message {@code g}'s control data, 0 when it has none. */
    private int segmentSize(int g) {
        MemorySegment h = batch.sendHeadersFrom(g);
        long length = h.get(JAVA_LONG, 40);
        MemorySegment control = h.get(ADDRESS, 32).reinterpret(length);
        for (long off = 0; off < length; off += ControlMessages.align(control.get(JAVA_LONG_UNALIGNED, off))) {
            if (control.get(JAVA_INT_UNALIGNED, off + 8) == 17 && control.get(JAVA_INT_UNALIGNED, off + 12) == 103) {
                return Short.toUnsignedInt(control.get(JAVA_SHORT_UNALIGNED, off + 16));
            }
        }
        return 0;
    }

    @Test
    void fortyEqualDatagramsToOneDestinationAreOneMessage() {
        for (int i = 0; i < 40; i++) {
            add(1300, P);
        }
        assertThat(plan(64)).containsExactly(40);
        assertThat(segmentSize(0)).isEqualTo(1300);
        assertThat(plan(1)).hasSize(40).containsOnly(1);
        assertThat(batch.sendHeadersFrom(0).get(JAVA_LONG, 40)).as("no control data without a source or GSO").isZero();
    }

    @Test
    void aRunStopsAt64KiBAndAt64Segments() {
        for (int i = 0; i < 100; i++) {
            add(1300, P);
        }
        assertThat(plan(64)).containsExactly(50, 50);
        batch.packets().clear();
        for (int i = 0; i < 100; i++) {
            add(100, P);
        }
        assertThat(plan(64)).containsExactly(64, 36);
    }

    @Test
    void aShorterDatagramEndsARunAndALongerOneStartsTheNext() {
        for (int length : new int[]{1300, 1300, 500, 1300, 1400, 1400, 0, 0, 1, 1}) {
            add(length, P);
        }
        assertThat(plan(64)).containsExactly(3, 1, 2, 1, 1, 2);
        assertThat(segmentSize(0)).isEqualTo(1300);
        assertThat(segmentSize(1)).isZero();
        assertThat(segmentSize(2)).isEqualTo(1400);
        assertThat(segmentSize(5)).isEqualTo(1);
    }

    @Test
    void aDifferentDestinationOrSourceEndsARun() throws Exception {
        add(1000, P);
        add(1000, P);
        add(1000, Q);
        add(1000, Q);
        batch.setSource(3, InetAddress.getByName("10.0.0.1"));
        add(1000, Q);
        batch.setSource(4, InetAddress.getByName("10.0.0.1"));
        add(1000, Q);
        batch.setSource(5, InetAddress.getByName("10.0.0.3"));
        assertThat(plan(64)).containsExactly(2, 1, 2, 1);
        MemorySegment h = batch.sendHeadersFrom(2);
        MemorySegment control = h.get(ADDRESS, 32).reinterpret(h.get(JAVA_LONG, 40));
        assertThat(control.byteSize()).isEqualTo(32 + 24);
        assertThat(control.get(JAVA_INT, 12)).as("IP_PKTINFO first").isEqualTo(8);
        assertThat(segmentSize(2)).isEqualTo(1000);
    }

    @Test
    void planningFromTheMiddleLeavesTheEarlierSlotsOut() {
        for (int i = 0; i < 10; i++) {
            add(1300, P);
        }
        int groups = batch.planSend(4, 64, false);
        assertThat(groups).isEqualTo(1);
        assertThat(batch.groupStart(0)).isEqualTo(4);
        assertThat(batch.segments(0)).isEqualTo(6);
    }

    @Property
    void everySlotIsPlannedOnceInOrder(@ForAll @Size(max = 128) List<@IntRange(min = 0, max = 2048) Integer> lengths,
            @ForAll @IntRange(min = 1, max = 64) int maxSegments) {
        try (DatagramBatch b = new DatagramBatch(128, 2048)) {
            for (int length : lengths) {
                int slot = b.count();
                b.packets().add(ByteBuffer.allocate(length));
                b.setAddress(slot, length % 3 == 0 ? Q : P);
            }
            int groups = b.planSend(0, maxSegments, false);
            int expectedStart = 0;
            for (int g = 0; g < groups; g++) {
                assertThat(b.groupStart(g)).isEqualTo(expectedStart);
                int k = b.segments(g);
                assertThat(k).isBetween(1, maxSegments);
                long bytes = 0;
                for (int s = expectedStart; s < expectedStart + k; s++) {
                    bytes += b.packets().length(s);
                    if (s > expectedStart) {
                        assertThat(b.packets().length(s)).isPositive().isLessThanOrEqualTo(b.packets().length(expectedStart));
                        if (s < expectedStart + k - 1) {
                            assertThat(b.packets().length(s)).isEqualTo(b.packets().length(expectedStart));
                        }
                    }
                }
                if (k > 1) {
                    assertThat(bytes).isLessThanOrEqualTo(DatagramBatch.MAX_GSO_BYTES);
                }
                expectedStart += k;
            }
            assertThat(expectedStart).isEqualTo(lengths.size());
        }
    }
}
