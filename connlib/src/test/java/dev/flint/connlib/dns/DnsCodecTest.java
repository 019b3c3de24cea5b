package dev.flint.connlib.dns;

import dev.flint.connlib.net.IpPrefix;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsCodecTest {
    static DnsMessage decode(byte[] b) {
        return switch (DnsCodec.decode(b)) {
            case DnsCodec.DecodeResult.Decoded(DnsMessage m) -> m;
            case DnsCodec.DecodeResult.Malformed m -> throw new AssertionError(m.toString());
        };
    }

    static InetAddress ip(String s) {
        try {
            return IpPrefix.parse(s).address();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void decodesARealQueryWithEdns() {
        // A query as dig sends it: id 0x1a2b, RD, AD, one OPT (4096 bytes) with a client cookie option.
        byte[] q = HexFormat.of().parseHex("1a2b01200001000000000001076578616d706c6503636f6d0000010001"
                + "000029100000000000000c000a00082c8b7e4e0f6a7d33");
        DnsMessage m = decode(q);
        assertThat(m.id()).isEqualTo(0x1a2b);
        assertThat(m.questions()).containsExactly(new DnsQuestion("example.com", RecordType.A));
        DnsRecord opt = m.edns().orElseThrow();
        assertThat(opt.rclass()).isEqualTo(4096);
        assertThat(((RData.Opt) opt.data()).options()).containsExactly(new RData.EdnsOption(10, "2c8b7e4e0f6a7d33"));
        assertThat(DnsCodec.encode(m)).isEqualTo(q);
    }

    @Test
    void everyRecordTypeRoundTripsAndNamesAreCompressed() {
        DnsMessage query = DnsMessage.query(7, "svc.example.com", RecordType.SRV);
        List<DnsRecord> answers = List.of(
                DnsRecord.in("svc.example.com", 1, new RData.A((Inet4Address) ip("100.96.0.1"))),
                DnsRecord.in("svc.example.com", 1, new RData.Aaaa((Inet6Address) ip("fd00:2021:1111:8000::"))),
                DnsRecord.in("www.example.com", 60, new RData.Cname("svc.example.com")),
                DnsRecord.in("example.com", 60, new RData.Ns("ns1.example.com")),
                DnsRecord.in("1.0.96.100.in-addr.arpa", 1, new RData.Ptr("svc.example.com")),
                DnsRecord.in("example.com", 60, new RData.Mx(10, "mail.example.com")),
                DnsRecord.in("_x._tcp.example.com", 60, new RData.Srv(1, 2, 443, "svc.example.com")),
                DnsRecord.in("example.com", 60, new RData.Txt(List.of("v=spf1 -all", "\u00ff\u0000bin"))),
                DnsRecord.in("example.com", 60, new RData.Soa("ns1.example.com", "admin.example.com", 1, 2, 3, 4, 5)),
                new DnsRecord("example.com", 99, 1, 5, new RData.Unknown("0102ff")));
        DnsMessage resp = new DnsMessage(7, DnsMessage.FLAG_QR | DnsMessage.FLAG_RD, query.questions(), answers,
                List.of(), List.of(DnsRecord.opt(1232, true)));
        byte[] wire = DnsCodec.encode(resp);
        assertThat(decode(wire)).isEqualTo(resp);
        // "example.com" would appear ~20 times uncompressed (13 bytes each); compression keeps the message small.
        assertThat(wire.length).isLessThan(330);
    }

    @Test
    void truncatesToTheLimitAndSetsTc() {
        List<DnsRecord> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(DnsRecord.in("big.example.com", 60, new RData.Txt(List.of("x".repeat(50) + i))));
        }
        DnsMessage resp = DnsMessage.query(1, "big.example.com", RecordType.TXT).respond(Rcode.NOERROR, answers);
        byte[] wire = DnsCodec.encode(resp, DnsCodec.MAX_UDP_PAYLOAD);
        assertThat(wire.length).isLessThanOrEqualTo(1212).isGreaterThan(1100);
        DnsMessage t = decode(wire);
        assertThat(t.truncated()).isTrue();
        assertThat(t.answers()).isNotEmpty().hasSizeLessThan(100);
        byte[] small = DnsCodec.encode(DnsMessage.query(1, "a.com", RecordType.A), DnsCodec.MAX_UDP_PAYLOAD);
        assertThat(decode(small).truncated()).isFalse();
    }

    @Test
    void malformedMessagesNameTheField() {
        assertThat(DnsCodec.decode(new byte[5])).isEqualTo(new DnsCodec.DecodeResult.Malformed("header",
                "shorter than 12 bytes"));
        // pointer loop: name at 12 points to itself
        byte[] loop = HexFormat.of().parseHex("000001000001000000000000c00c00010001");
        assertThat(field(loop)).isEqualTo("question.name");
        // forward pointer
        byte[] fwd = HexFormat.of().parseHex("000001000001000000000000c01000010001");
        assertThat(field(fwd)).isEqualTo("question.name");
        // A record with 3 bytes of data
        byte[] badA = HexFormat.of().parseHex("000081000000000100000000" + "00" + "0001" + "0001" + "00000001"
                + "0003" + "010203");
        assertThat(field(badA)).isEqualTo("answer.rdata");
        // more questions announced than present
        byte[] missing = HexFormat.of().parseHex("000001000002000000000000" + "0161000001" + "0001");
        assertThat(field(missing)).startsWith("question.");
    }

    @Test
    void compressionPointersAreFollowed() {
        // answer name is a pointer to the question name
        byte[] m = HexFormat.of().parseHex("0001818000010001000000000161036e657400" + "00010001"
                + "c00c000100010000003c000401020304");
        DnsMessage d = decode(m);
        assertThat(d.answers().getFirst().name()).isEqualTo("a.net");
        assertThat(d.answers().getFirst().data()).isEqualTo(new RData.A((Inet4Address) ip("1.2.3.4")));
    }

    @Test
    void namesDifferingOnlyInCaseKeepTheirCase() {
        // Found by DnsCodecFuzzTest (seed 4629104160530846062): a case-insensitive suffix table wrote
        // "A.example.com" as a pointer to "a.example.com".
        DnsMessage m = DnsMessage.query(3, "a.example.com", RecordType.A).respond(Rcode.NOERROR, java.util.List.of(
                DnsRecord.in("a.example.com", 1, new RData.Cname("A.example.com")),
                DnsRecord.in("A.example.com", 1, new RData.Txt(java.util.List.of("hi")))));
        DnsMessage again = decode(DnsCodec.encode(m));
        assertThat(again).isEqualTo(m);
        assertThat(again.answers().get(1).name()).isEqualTo("A.example.com");
    }

    private static String field(byte[] b) {
        return ((DnsCodec.DecodeResult.Malformed) DnsCodec.decode(b)).field();
    }
}
