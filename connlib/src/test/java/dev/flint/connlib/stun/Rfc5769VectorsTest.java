package dev.flint.connlib.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.stun.StunAttribute.*;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The four sample messages of RFC 5769 §2.1–2.4, decoded, verified and re-encoded. */
class Rfc5769VectorsTest {
    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    static final byte[] REQUEST = hex("""
            000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74
            002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014
            9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf""");
    static final byte[] IPV4_RESPONSE = hex("""
            0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000200008
            0001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96""");
    static final byte[] IPV6_RESPONSE = hex("""
            010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000200014
            0002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275
            bfe3ed4180280004c8fb0b4c""");
    static final byte[] LONG_TERM_REQUEST = hex("""
            000100602112a44278ad3433c6ad72c029da412e
            00060012e3839ee38388e383aae38383e382afe382b90000
            0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341
            0014000b6578616d706c652e6f726700
            00080014f67024656dd64a3e02b8e0712e85c9a28ca89666""");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    @Test
    void sampleRequestDecodesAndVerifies() {
        ReceivedStun r = (ReceivedStun) StunCodec.decode(REQUEST);
        StunMessage m = r.message();
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.attribute(Software.class)).contains(new Software("STUN test client"));
        assertThat(m.attribute(Priority.class)).contains(new Priority(0x6e0001ffL));
        assertThat(m.attribute(IceControlled.class)).contains(new IceControlled(0x932ff9b151263b36L));
        assertThat(m.attribute(Username.class)).contains(new Username("evtj:h6vY"));
        assertThat(m.has(Fingerprint.class)).isTrue();
        assertThat(r.integrityMatches(IntegrityKey.shortTerm(PASSWORD))).isTrue();
        assertThat(r.integrityMatches(IntegrityKey.shortTerm("wrong"))).isFalse();
    }

    @Test
    void ipv4ResponseDecodesAndVerifies() {
        ReceivedStun r = (ReceivedStun) StunCodec.decode(IPV4_RESPONSE);
        StunMessage m = r.message();
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.attribute(Software.class)).contains(new Software("test vector"));
        assertThat(m.attribute(XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
        assertThat(r.integrityMatches(IntegrityKey.shortTerm(PASSWORD))).isTrue();
    }

    @Test
    void ipv6ResponseDecodesAndVerifies() {
        ReceivedStun r = (ReceivedStun) StunCodec.decode(IPV6_RESPONSE);
        assertThat(r.message().attribute(XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
        assertThat(r.integrityMatches(IntegrityKey.shortTerm(PASSWORD))).isTrue();
    }

    @Test
    void longTermRequestVerifiesWithSaslPreppedMd5Key() {
        ReceivedStun r = (ReceivedStun) StunCodec.decode(LONG_TERM_REQUEST);
        StunMessage m = r.message();
        String username = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        assertThat(m.attribute(Username.class)).contains(new Username(username));
        assertThat(m.attribute(Nonce.class)).contains(new Nonce("f//499k954d6OL34oL9FSTvy64sA"));
        assertThat(m.attribute(Realm.class)).contains(new Realm("example.org"));
        IntegrityKey key = IntegrityKey.longTerm(username, "example.org", "The\u00ADM\u00AAtr\u2168");
        assertThat(key).isEqualTo(IntegrityKey.longTerm(username, "example.org", "TheMatrIX"));
        assertThat(r.integrityMatches(key)).isTrue();
        assertThat(r.integrityMatches(IntegrityKey.longTerm(username, "example.org", "TheMatrix"))).isFalse();
    }

    @Test
    void longTermRequestReencodesByteForByte() {
        StunMessage m = ((ReceivedStun) StunCodec.decode(LONG_TERM_REQUEST)).message();
        IntegrityKey key = IntegrityKey.longTerm("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", "example.org", "TheMatrIX");
        assertThat(StunCodec.encode(m, key, false)).isEqualTo(LONG_TERM_REQUEST);
    }

    @Test
    void requestReencodesIdenticallyUpToItsSpacePadding() {
        StunMessage m = ((ReceivedStun) StunCodec.decode(REQUEST)).message();
        byte[] encoded = StunCodec.encode(m, IntegrityKey.shortTerm(PASSWORD), true);
        // RFC 5769 pads USERNAME with spaces; an RFC 8489 encoder pads with zeros, which changes MI and FINGERPRINT.
        byte[] expected = REQUEST.clone();
        expected[73] = expected[74] = expected[75] = 0;
        assertThat(encoded).hasSize(REQUEST.length);
        assertThat(Arrays.copyOf(encoded, 76)).isEqualTo(Arrays.copyOf(expected, 76));
        assertThat(((ReceivedStun) StunCodec.decode(encoded)).integrityMatches(IntegrityKey.shortTerm(PASSWORD)))
                .isTrue();
    }

    @Test
    void responsesReencodeIdenticallyUpToTheirSpacePadding() {
        for (byte[] vector : new byte[][] {IPV4_RESPONSE, IPV6_RESPONSE}) {
            StunMessage m = ((ReceivedStun) StunCodec.decode(vector)).message();
            byte[] encoded = StunCodec.encode(m, IntegrityKey.shortTerm(PASSWORD), true);
            byte[] expected = vector.clone();
            expected[35] = 0; // the space after "test vector"
            int integrityAt = encoded.length - 32;
            assertThat(Arrays.copyOf(encoded, integrityAt)).isEqualTo(Arrays.copyOf(expected, integrityAt));
            assertThat(StunCodec.decode(encoded)).isInstanceOf(ReceivedStun.class);
        }
    }
}
