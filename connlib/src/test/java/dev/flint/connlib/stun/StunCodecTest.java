package dev.flint.connlib.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.stun.StunAttribute.*;
import dev.flint.connlib.stun.StunDecodeResult.Invalid;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StunCodecTest {
    private final TransactionId id = TransactionId.random(new SplittableRandom(7));

    @Test
    void everyAttributeRoundTrips() {
        StunMessage m = StunMessage.request(StunMethod.ALLOCATE, id)
                .add(new MappedAddress(new InetSocketAddress("198.51.100.7", 1)))
                .add(new XorMappedAddress(new InetSocketAddress("2001:db8::1", 52625)))
                .add(new XorPeerAddress(new InetSocketAddress("203.0.113.9", 40000)))
                .add(new XorRelayedAddress(new InetSocketAddress("2001:db8::2", 65535)))
                .add(new AlternateServer(new InetSocketAddress("192.0.2.44", 3478)))
                .add(new Username("1719367575:ZQHcVGkdnfgGmcP1"))
                .add(new Realm("firezone"))
                .add(new Nonce("9f2c1a"))
                .add(new Software("snownet"))
                .add(new ErrorCode(438, "Stale Nonce"))
                .add(new UnknownAttributes(List.of(0x0031, 0x0032)))
                .add(new ChannelNumber(0x4abc))
                .add(new Lifetime(4_000_000_000L))
                .add(new Data(new byte[] {1, 2, 3}))
                .add(new RequestedTransport(17))
                .add(new RequestedAddressFamily(AddressFamily.IPV6))
                .add(new AdditionalAddressFamily(AddressFamily.IPV6))
                .add(new DontFragment())
                .add(new Priority(0xFFFFFFFFL))
                .add(new UseCandidate())
                .add(new IceControlling(-5L))
                .add(new IceControlled(Long.MAX_VALUE))
                .add(new Unknown(0xC001, new byte[] {9}))
                .build();
        IntegrityKey key = IntegrityKey.longTerm("u", "firezone", "p");
        byte[] encoded = StunCodec.encode(m, key, true);
        ReceivedStun r = (ReceivedStun) StunCodec.decode(encoded);
        assertThat(r.integrityMatches(key)).isTrue();
        List<StunAttribute> decoded = r.message().attributes();
        assertThat(decoded.subList(0, m.attributes().size()).toString()).isEqualTo(m.attributes().toString());
        assertThat(decoded.get(decoded.size() - 2)).isInstanceOf(MessageIntegrity.class);
        assertThat(decoded.getLast()).isInstanceOf(Fingerprint.class);
        assertThat(r.message().method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(r.message().transactionId()).isEqualTo(id);
    }

    @Test
    void everyClassAndMethodRoundTrips() {
        for (StunClass c : StunClass.values()) {
            for (int method : new int[] {1, 3, 4, 8, 9, 0xFFF}) {
                StunMessage m = new StunMessage(c, method, id, List.of());
                StunMessage back = ((ReceivedStun) StunCodec.decode(StunCodec.encode(m))).message();
                assertThat(back.messageClass()).isEqualTo(c);
                assertThat(back.method()).isEqualTo(method);
            }
        }
    }

    @Test
    void bindingSuccessTypeIsOnTheWireAs0x0101() {
        byte[] b = StunCodec.encode(StunMessage.successResponse(StunMethod.BINDING, id).build());
        assertThat(b[0]).isEqualTo((byte) 0x01);
        assertThat(b[1]).isEqualTo((byte) 0x01);
        byte[] e = StunCodec.encode(StunMessage.errorResponse(StunMethod.ALLOCATE, id).build());
        assertThat(e[0]).isEqualTo((byte) 0x01);
        assertThat(e[1]).isEqualTo((byte) 0x13);
    }

    @Test
    void corruptedFingerprintIsNamed() {
        byte[] b = StunCodec.encode(StunMessage.request(StunMethod.BINDING, id).build(), null, true);
        b[b.length - 1] ^= 1;
        assertThat(StunCodec.decode(b)).isEqualTo(new Invalid("FINGERPRINT", "CRC32 does not match"));
    }

    @Test
    void malformedInputIsNamedNotThrown() {
        byte[] ok = StunCodec.encode(StunMessage.request(StunMethod.BINDING, id)
                .add(new Priority(5)).build());
        assertThat(field(new byte[3])).isEqualTo("header");
        byte[] badCookie = ok.clone();
        badCookie[4] = 0;
        assertThat(field(badCookie)).isEqualTo("magic cookie");
        byte[] badLength = ok.clone();
        badLength[3] = 4;
        assertThat(field(badLength)).isEqualTo("message length");
        byte[] badPriority = ok.clone();
        badPriority[23] = 3;
        badPriority[3] = 8;
        assertThat(field(java.util.Arrays.copyOf(badPriority, 28))).isEqualTo("PRIORITY");
        byte[] topBits = ok.clone();
        topBits[0] = (byte) 0x40;
        assertThat(field(topBits)).isEqualTo("message type");
    }

    @Test
    void attributesAfterIntegrityAreIgnored() {
        IntegrityKey key = IntegrityKey.shortTerm("pw");
        byte[] signed = StunCodec.encode(StunMessage.request(StunMethod.BINDING, id).build(), key, false);
        byte[] extended = java.util.Arrays.copyOf(signed, signed.length + 8);
        extended[3] = (byte) (extended[3] + 8);
        extended[signed.length + 1] = 0x24; // PRIORITY
        extended[signed.length + 3] = 4;
        ReceivedStun r = (ReceivedStun) StunCodec.decode(extended);
        assertThat(r.message().has(Priority.class)).isFalse();
    }

    @Test
    void looksLikeStunNeedsCookieAndExactLength() {
        byte[] b = StunCodec.encode(StunMessage.request(StunMethod.BINDING, id).build());
        assertThat(StunCodec.looksLikeStun(b, 0, b.length)).isTrue();
        assertThat(StunCodec.looksLikeStun(b, 0, b.length - 1)).isFalse();
        byte[] wgInit = new byte[148];
        wgInit[0] = 1;
        assertThat(StunCodec.looksLikeStun(wgInit, 0, wgInit.length)).isFalse();
    }

    private static String field(byte[] b) {
        return ((Invalid) StunCodec.decode(b)).field();
    }
}
