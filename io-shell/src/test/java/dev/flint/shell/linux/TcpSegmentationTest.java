package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TcpSegmentationTest {

    /** A TCP packet as the kernel hands a TSO super-packet over: lengths of the whole, checksum partial. */
    static byte[] superPacket(boolean v4, int payload, int flags, long seed) {
        int ipLen = v4 ? 20 : 40;
        int tcpLen = 32; // with 12 bytes of options
        byte[] p = new byte[ipLen + tcpLen + payload];
        ByteBuffer b = ByteBuffer.wrap(p);
        if (v4) {
            b.put(0, (byte) 0x45).putShort(2, (short) p.length).putShort(4, (short) 0xFFFE).put(8, (byte) 64)
                .put(9, (byte) 6).put(12, new byte[]{10, 0, 0, 1}).put(16, new byte[]{10, 0, 0, 2});
        } else {
            b.put(0, (byte) 0x60).putShort(4, (short) (p.length - 40)).put(6, (byte) 6).put(7, (byte) 64);
            b.put(8, (byte) 0xfd).put(23, (byte) 1).put(24, (byte) 0xfd).put(39, (byte) 2);
        }
        b.putShort(ipLen, (short) 40000).putShort(ipLen + 2, (short) 5201).putInt(ipLen + 4, 0xFFFFF000)
            .putInt(ipLen + 8, 12345).put(ipLen + 12, (byte) ((tcpLen / 4) << 4)).put(ipLen + 13, (byte) flags)
            .putShort(ipLen + 14, (short) 512);
        for (int i = 20; i < tcpLen; i++) {
            p[ipLen + i] = 1; // NOP options
        }
        byte[] data = new byte[payload];
        new Random(seed).nextBytes(data);
        System.arraycopy(data, 0, p, ipLen + tcpLen, payload);
        if (v4) {
            b.putShort(10, (short) ~fold(TcpSegmentation.sum(MemorySegment.ofArray(p), 0, 20, 0)));
        }
        return p;
    }

    static int fold(long acc) {
        return TcpSegmentation.fold(acc);
    }

    static void assertChecksumsValid(byte[] pkt, boolean v4) {
        MemorySegment s = MemorySegment.ofArray(pkt);
        int ipLen = v4 ? 20 : 40;
        if (v4) {
            assertThat(fold(TcpSegmentation.sum(s, 0, 20, 0))).as("IPv4 header checksum").isEqualTo(0xFFFF);
        }
        int tcpLength = pkt.length - ipLen;
        long acc = TcpSegmentation.sum(s, ipLen, tcpLength, TcpSegmentation.pseudoHeaderSum(s, v4, tcpLength));
        assertThat(fold(acc)).as("TCP checksum").isEqualTo(0xFFFF);
    }

    List<byte[]> split(byte[] packet, int gso, int slots) {
        List<byte[]> out = new ArrayList<>();
        MemorySegment[] slot = {MemorySegment.ofArray(new byte[2048])};
        TcpSegmentation.SegmentSink sink = new TcpSegmentation.SegmentSink() {
            @Override
            public MemorySegment next() {
                return out.size() < slots ? slot[0] : null;
            }

            @Override
            public void done(int length) {
                out.add(slot[0].asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
        };
        int first = 0;
        while (true) {
            int before = out.size();
            int n = TcpSegmentation.split(MemorySegment.ofArray(packet), packet.length, gso, first, sink);
            assertThat(n).isGreaterThanOrEqualTo(0);
            first += n;
            if (out.size() - before < n || n == 0 || out.size() < slots) {
                break;
            }
            return out; // the caller asked for at most `slots`
        }
        return out;
    }

    @Property(tries = 60)
    void segmentsCarryThePayloadInOrderWithValidHeaders(@ForAll boolean v4,
            @ForAll @IntRange(min = 1, max = 20000) int payload, @ForAll @IntRange(min = 500, max = 1400) int gso) {
        byte[] big = superPacket(v4, payload, 0x18 | 0x01 | 0x80, payload); // PSH|ACK|FIN|CWR
        List<byte[]> segs = split(big, gso, 1000);
        int ipLen = v4 ? 20 : 40;
        int header = ipLen + 32;
        assertThat(segs).hasSize((payload + gso - 1) / gso);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < segs.size(); i++) {
            byte[] s = segs.get(i);
            ByteBuffer b = ByteBuffer.wrap(s);
            assertChecksumsValid(s, v4);
            assertThat(s.length).isEqualTo(header + Math.min(gso, payload - i * gso));
            if (v4) {
                assertThat(Short.toUnsignedInt(b.getShort(2))).isEqualTo(s.length);
                assertThat(Short.toUnsignedInt(b.getShort(4))).isEqualTo((0xFFFE + i) & 0xFFFF);
            } else {
                assertThat(Short.toUnsignedInt(b.getShort(4))).isEqualTo(s.length - 40);
            }
            assertThat(b.getInt(ipLen + 4)).isEqualTo(0xFFFFF000 + i * gso);
            int flags = b.get(ipLen + 13) & 0xFF;
            boolean last = i == segs.size() - 1;
            assertThat(flags & 0x09).isEqualTo(last ? 0x09 : 0);
            assertThat(flags & 0x80).isEqualTo(i == 0 ? 0x80 : 0);
            assertThat(flags & 0x10).isEqualTo(0x10);
            joined.write(s, header, s.length - header);
        }
        byte[] expected = new byte[payload];
        System.arraycopy(big, header, expected, 0, payload);
        assertThat(joined.toByteArray()).isEqualTo(expected);
    }

    @Test
    void resumesWhereAFullBatchStopped() {
        byte[] big = superPacket(true, 10 * 1000, 0x10, 7);
        List<byte[]> all = split(big, 1000, 1000);
        assertThat(all).hasSize(10);
        List<byte[]> firstThree = split(big, 1000, 3);
        assertThat(firstThree).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(firstThree.get(i)).isEqualTo(all.get(i));
        }
    }

    @Test
    void rejectsWhatIsNotTcp() {
        byte[] udp = superPacket(true, 3000, 0x10, 1);
        udp[9] = 17;
        assertThat(TcpSegmentation.split(MemorySegment.ofArray(udp), udp.length, 1000, 0, null)).isEqualTo(-1);
        assertThat(TcpSegmentation.split(MemorySegment.ofArray(new byte[]{0x45}), 1, 1000, 0, null)).isEqualTo(-1);
        byte[] v6 = superPacket(false, 3000, 0x10, 1);
        v6[6] = 0; // hop-by-hop extension header
        assertThat(TcpSegmentation.split(MemorySegment.ofArray(v6), v6.length, 1000, 0, null)).isEqualTo(-1);
    }

    @Test
    void completesAPartialChecksum() {
        byte[] pkt = superPacket(true, 777, 0x18, 3);
        MemorySegment s = MemorySegment.ofArray(pkt);
        int tcpLength = pkt.length - 20;
        // The kernel leaves the folded pseudo-header sum in the checksum field.
        ByteBuffer.wrap(pkt).putShort(36, (short) fold(TcpSegmentation.pseudoHeaderSum(s, true, tcpLength)));
        TcpSegmentation.completeChecksum(s, pkt.length, 20, 16);
        assertChecksumsValid(pkt, true);
    }
}
