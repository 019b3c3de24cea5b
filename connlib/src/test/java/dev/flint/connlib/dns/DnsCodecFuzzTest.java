package dev.flint.connlib.dns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Decoding never throws, and whatever decodes re-encodes to something that decodes to the same message. The
 * {@code @FuzzTest} replays its corpus in the suite ({@code JAZZER_FUZZ=1} to fuzz); jqwik adds random and mutated
 * inputs on every run.
 */
class DnsCodecFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decoderNeverThrows(byte[] data) {
        exercise(data);
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 80) byte[] data) {
        exercise(data);
    }

    @Property(tries = 3000)
    void mutatedResponses(@ForAll @Size(min = 1, max = 4) int[] flips) {
        byte[] b = DnsCodec.encode(DnsMessage.query(3, "a.example.com", RecordType.A).respond(Rcode.NOERROR,
                java.util.List.of(DnsRecord.in("a.example.com", 1, new RData.Cname("b.example.com")),
                        DnsRecord.in("b.example.com", 1, new RData.Txt(java.util.List.of("hi"))))));
        for (int f : flips) {
            b[Math.floorMod(f, b.length)] ^= (byte) ((f >>> 16) | 1);
        }
        exercise(b);
    }

    static void exercise(byte[] data) {
        if (DnsCodec.decode(data) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)) {
            boolean encodable = m.questions().stream().allMatch(q -> DnsCodec.isEncodable(q.name()));
            if (!encodable) {
                return;
            }
            byte[] again;
            try {
                again = DnsCodec.encode(m);
            } catch (IllegalArgumentException e) {
                return; // names with empty labels etc. cannot be written back; the resolver answers FORMERR
            }
            if (!(DnsCodec.decode(again) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m2)) || !m2.equals(m)) {
                throw new AssertionError("re-encoding changed the message");
            }
        }
    }
}
