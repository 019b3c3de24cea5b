package dev.flint.connlib.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The parser never throws, and whatever it accepts can be rewritten and re-parsed. The {@code @FuzzTest} replays its
 * seed corpus in the suite; {@code JAZZER_FUZZ=1 ./mvnw -pl connlib test -Dtest=IpPacketFuzzTest} fuzzes for real.
 * The jqwik property throws random and mutated-valid inputs at the same check on every run.
 */
class IpPacketFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parserNeverThrows(byte[] data) {
        exercise(data);
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 120) byte[] data) {
        exercise(data);
    }

    @Property(tries = 3000)
    void mutatedValidPackets(@ForAll int which, @ForAll @Size(min = 1, max = 6) int[] flips) {
        IpPacket[] seeds = {
            PacketBuilder.udp(IpPacketTest.ip("100.64.0.1"), IpPacketTest.ip("10.0.0.1"), 1, 2, new byte[6]),
            PacketBuilder.tcp(IpPacketTest.ip("fd00::1"), IpPacketTest.ip("fd00::2"), 1, 2, 3, 4, 0x12, 5, new byte[2]),
            PacketBuilder.destinationUnreachable(
                    PacketBuilder.icmpEchoRequest(IpPacketTest.ip("1.1.1.1"), IpPacketTest.ip("2.2.2.2"), 1, 1,
                            new byte[8]), UnreachableReason.PROHIBITED),
        };
        byte[] b = seeds[Math.floorMod(which, seeds.length)].bytes().clone();
        for (int f : flips) {
            int pos = Math.floorMod(f, b.length);
            b[pos] ^= (byte) (f >>> 16 | 1);
        }
        exercise(b);
    }

    static void exercise(byte[] data) {
        if (IpPacket.parse(data) instanceof ParseResult.Parsed(IpPacket p)) {
            p.source();
            p.destination();
            p.payload();
            p.toString();
            p.checksumsValid();
            if (p.isIcmpError()) {
                p.icmpQuoted();
            }
            if (p.isP2pControl()) {
                P2pControlFrame.decode(p);
            }
            if (p.hasPorts() || p.isIcmpEcho()) {
                p.setSourceL4Id(1);
                p.setDestination(p.source());
                if (!(IpPacket.parse(p.bytes()) instanceof ParseResult.Parsed)) {
                    throw new AssertionError("rewriting broke a parsed packet");
                }
            }
        }
    }
}
