package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The cmsg codec against hand-made buffers laid out as the kernel writes them, and against garbage. */
class ControlMessagesTest {

    private final MemorySegment local = MemorySegment.ofArray(new byte[16]);

    @Test
    void readsTheDestinationOfAnIpv6PacketInfo() throws Exception {
        MemorySegment control = MemorySegment.ofArray(new byte[128]);
        int used = ControlMessages.writeIpv6Source(control, 0, DatagramBatch.encodeAddress(InetAddress.getByName("fd00::7")), 0);
        long parsed = ControlMessages.parse(control, used, local);
        assertThat(ControlMessages.localFound(parsed)).isTrue();
        assertThat(ControlMessages.segmentSize(parsed)).isZero();
        assertThat(DatagramBatch.decodeAddress(local)).isEqualTo(InetAddress.getByName("fd00::7"));
    }

    @Test
    void readsTheHeaderDestinationOfAnIpv4PacketInfoAsV4Mapped() throws Exception {
        MemorySegment control = MemorySegment.ofArray(new byte[128]);
        header(control, 0, 16 + 12, 0, 8);
        control.set(JAVA_INT_UNALIGNED, 16, 3);                                   // ipi_ifindex
        MemorySegment.copy(new byte[]{10, 0, 0, 9}, 0, control, java.lang.foreign.ValueLayout.JAVA_BYTE, 20, 4);  // ipi_spec_dst
        MemorySegment.copy(new byte[]{10, 0, 0, 1}, 0, control, java.lang.foreign.ValueLayout.JAVA_BYTE, 24, 4);  // ipi_addr
        long parsed = ControlMessages.parse(control, 32, local);
        assertThat(ControlMessages.localFound(parsed)).isTrue();
        assertThat(ControlMessages.isV4Mapped(local, 0)).isTrue();
        assertThat(DatagramBatch.decodeAddress(local)).isEqualTo(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void readsTheGroSegmentSizeBesideBothPacketInfos() throws Exception {
        MemorySegment control = MemorySegment.ofArray(new byte[128]);
        int off = ControlMessages.writeIpv6Source(control, 0, DatagramBatch.encodeAddress(InetAddress.getByName("10.0.0.1")), 0);
        header(control, off, 16 + 12, 0, 8);
        MemorySegment.copy(new byte[]{10, 0, 0, 1}, 0, control, java.lang.foreign.ValueLayout.JAVA_BYTE, off + 24, 4);
        off += 32;
        header(control, off, 16 + 4, 17, 104);
        control.set(JAVA_INT_UNALIGNED, off + 16, 1300);
        off += 24;
        long parsed = ControlMessages.parse(control, off, local);
        assertThat(ControlMessages.segmentSize(parsed)).isEqualTo(1300);
        assertThat(DatagramBatch.decodeAddress(local)).isEqualTo(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void writesTheSegmentSizeWithTheExactLengthTheKernelWants() {
        MemorySegment control = MemorySegment.ofArray(new byte[64]);
        assertThat(ControlMessages.writeSegmentSize(control, 0, 1300)).isEqualTo(24);
        assertThat(control.get(JAVA_LONG_UNALIGNED, 0)).isEqualTo(18);
        assertThat(control.get(JAVA_INT_UNALIGNED, 8)).isEqualTo(17);
        assertThat(control.get(JAVA_INT_UNALIGNED, 12)).isEqualTo(103);
        assertThat(control.get(JAVA_SHORT_UNALIGNED, 16)).isEqualTo((short) 1300);
    }

    @Test
    void writesAnIpv4SourceAsIpPktinfoSpecDst() throws Exception {
        MemorySegment control = MemorySegment.ofArray(new byte[64]);
        assertThat(ControlMessages.writeIpv4Source(control, 0,
            DatagramBatch.encodeAddress(InetAddress.getByName("10.201.0.11")), 0)).isEqualTo(32);
        assertThat(control.get(JAVA_LONG_UNALIGNED, 0)).isEqualTo(28);
        assertThat(control.get(JAVA_INT_UNALIGNED, 8)).isZero();
        assertThat(control.get(JAVA_INT_UNALIGNED, 12)).isEqualTo(8);
        assertThat(control.asSlice(20, 4).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
            .containsExactly(10, (byte) 201, 0, 11);
    }

    @Test
    void aMessageCutByTheBufferEndIsIgnoredAndWhatCameBeforeIsKept() throws Exception {
        MemorySegment control = MemorySegment.ofArray(new byte[128]);
        int off = ControlMessages.writeIpv6Source(control, 0, DatagramBatch.encodeAddress(InetAddress.getByName("fd00::7")), 0);
        header(control, off, 16 + 4, 17, 104);
        control.set(JAVA_INT_UNALIGNED, off + 16, 1300);
        // The kernel said 40 + 20 bytes but only 40 + 18 arrived (MSG_CTRUNC).
        long parsed = ControlMessages.parse(control, off + 18, local);
        assertThat(ControlMessages.localFound(parsed)).isTrue();
        assertThat(ControlMessages.segmentSize(parsed)).isZero();
    }

    @Test
    void lengthsThatLieEndTheWalk() {
        MemorySegment control = MemorySegment.ofArray(new byte[128]);
        header(control, 0, 8, 41, 50);            // shorter than its own header
        assertThat(ControlMessages.parse(control, 128, local)).isZero();
        header(control, 0, 1L << 40, 41, 50);      // far past the buffer
        assertThat(ControlMessages.parse(control, 128, local)).isZero();
        header(control, 0, 16 + 4, 41, 50);        // a packet info too short to hold an address
        assertThat(ControlMessages.parse(control, 128, local)).isZero();
        header(control, 0, 16 + 20, 41, 50);       // a length longer than the buffer the caller gives
        assertThat(ControlMessages.parse(control, 1000, local)).isEqualTo(ControlMessages.LOCAL_FOUND);
        assertThat(ControlMessages.parse(control, 30, local)).isZero();
    }

    @Test
    void aNegativeGroSizeIsNoSegmentation() {
        MemorySegment control = MemorySegment.ofArray(new byte[64]);
        header(control, 0, 16 + 4, 17, 104);
        control.set(JAVA_INT_UNALIGNED, 16, -5);
        assertThat(ControlMessages.segmentSize(ControlMessages.parse(control, 24, local))).isZero();
    }

    @Property
    void garbageNeverThrows(@ForAll @Size(max = 200) byte[] bytes) {
        MemorySegment control = MemorySegment.ofArray(bytes);
        long parsed = ControlMessages.parse(control, bytes.length, local);
        assertThat(ControlMessages.segmentSize(parsed)).isNotNegative();
        ControlMessages.parse(control, Long.MAX_VALUE, local);
    }

    private static void header(MemorySegment control, long off, long length, int level, int type) {
        control.set(JAVA_LONG_UNALIGNED, off, length);
        control.set(JAVA_INT_UNALIGNED, off + 8, level);
        control.set(JAVA_INT_UNALIGNED, off + 12, type);
    }
}
