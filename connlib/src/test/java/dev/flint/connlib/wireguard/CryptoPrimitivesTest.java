package dev.flint.connlib.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests of every primitive. Where no published vector exists for WireGuard's exact construction
 * (keyed BLAKE2s-128, HMAC-BLAKE2s, the KDFs, the counter nonce) the expected values come from Python's hashlib,
 * hmac and the {@code cryptography} package, which share no code with Bouncy Castle or the JDK provider.
 */
class CryptoPrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY_0_31 = range(0, 32);

    static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    static byte[] range(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void blake2s256MatchesRfc7693() {
        // RFC 7693 Appendix B: BLAKE2s-256("abc").
        assertThat(HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
        // Concatenation of parts is the hash of the whole.
        assertThat(Blake2s.hash("a".getBytes(), "bc".getBytes())).isEqualTo(Blake2s.hash("abc".getBytes()));
    }

    @Test
    void keyedBlake2s128() {
        assertThat(HEX.formatHex(Blake2s.mac(KEY_0_31, "WireGuard".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("c44bc1a201f2ff374d10eda15244ad8a");
        assertThat(HEX.formatHex(Blake2s.mac(KEY_0_31, new byte[0]))).isEqualTo("9536f9b267655743dee97b8a670f9f53");
    }

    @Test
    void hmacBlake2s() {
        assertThat(HEX.formatHex(Blake2s.hmac(KEY_0_31, "WireGuard".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5415924543576b3f5ee867c94e1aab70586d33b32fae3fccd2c635b3e1d7198d");
    }

    @Test
    void kdfOneTwoThree() {
        byte[] input = "input".getBytes(StandardCharsets.US_ASCII);
        String t1 = "87b7f70b24183c6db5dc4f6d9f4c47cdb203321aa2a0bef714896adb3107a040";
        String t2 = "538a02e1eb2e31b7e4d4b82476d1fe2acf50085d3fb584537279195f5d1f5824";
        String t3 = "9ad858025593be88de0f9442a589cfe84a88dc19e4753d93684d1c5efc4837f9";
        assertThat(hexes(NoiseKdf.kdf1(KEY_0_31, input))).containsExactly(t1);
        assertThat(hexes(NoiseKdf.kdf2(KEY_0_31, input))).containsExactly(t1, t2);
        assertThat(hexes(NoiseKdf.kdf3(KEY_0_31, input))).containsExactly(t1, t2, t3);
    }

    private static java.util.List<String> hexes(byte[][] outputs) {
        return java.util.Arrays.stream(outputs).map(HEX::formatHex).toList();
    }

    @Test
    void x25519MatchesRfc7748() {
        // RFC 7748 §5.2, first vector.
        byte[] scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertThat(HEX.formatHex(X25519Dh.sharedSecret(scalar, u).orElseThrow()))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        // RFC 7748 §6.1: Alice and Bob.
        byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(HEX.formatHex(X25519Dh.publicKey(alice)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(X25519Dh.sharedSecret(alice, X25519Dh.publicKey(bob)).orElseThrow()))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    @Test
    void x25519RejectsAllZeroSharedSecrets() {
        byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assertThat(X25519Dh.sharedSecret(alice, new byte[32])).isEmpty(); // u = 0
        byte[] one = new byte[32];
        one[0] = 1;
        assertThat(X25519Dh.sharedSecret(alice, one)).isEmpty(); // u = 1, order 1
    }

    @Test
    void chaChaPolyUsesWireGuardCounterNonce() {
        byte[] key = range(0x80, 0xa0);
        byte[] sealed = ChaChaPoly.seal(key, 0x0102030405060708L, "WireGuard transport".getBytes(), "aad".getBytes());
        assertThat(HEX.formatHex(sealed))
                .isEqualTo("a3d89cde17af3aaf479105f96f1916af9c0120c19375269c56df389703b98c34734b29");
        assertThat(ChaChaPoly.open(key, 0x0102030405060708L, sealed, "aad".getBytes())).hasValue("WireGuard transport".getBytes());
        assertThat(ChaChaPoly.open(key, 0x0102030405060709L, sealed, "aad".getBytes())).isEmpty();
        assertThat(ChaChaPoly.open(key, 0x0102030405060708L, sealed, "aad!".getBytes())).isEmpty();
        assertThat(ChaChaPoly.open(key, 0, new byte[15], null)).isEmpty();
    }

    @Test
    void hChaCha20MatchesDraftSection221() {
        byte[] nonce = hex("000000090000004a0000000031415927");
        assertThat(HEX.formatHex(HChaCha20.subkey(KEY_0_31, nonce)))
                .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }

    @Test
    void xChaCha20Poly1305MatchesDraftAppendixA31() {
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                        + " sunscreen would be it.")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] aad = hex("50515253c0c1c2c3c4c5c6c7");
        byte[] key = range(0x80, 0xa0);
        byte[] nonce = range(0x40, 0x58);
        String expected = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
                + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
                + "21f9664c97637da9768812f615c68b13b52e"
                + "c0875924c1c7987947deafd8780acf49";
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, plaintext, aad);
        assertThat(HEX.formatHex(sealed)).isEqualTo(expected);
        assertThat(XChaCha20Poly1305.open(key, nonce, sealed, aad)).hasValue(plaintext);
        sealed[0] ^= 1;
        assertThat(XChaCha20Poly1305.open(key, nonce, sealed, aad)).isEmpty();
    }

    @Test
    void tai64nEncodesSecondsAndWhitenedNanos() {
        Instant t = Instant.parse("2026-11-24T12:00:00.123456789Z");
        // 2^62 + 10 + 1795521600 = 0x400000006b057c4a; 123456789 & ~(2^24-1) = 117440512 = 0x07000000.
        assertThat(HEX.formatHex(Tai64n.of(t))).isEqualTo("400000006b057c4a" + "07000000");
        assertThat(Tai64n.isAfter(Tai64n.of(t.plusMillis(20)), Tai64n.of(t))).isTrue();
        assertThat(Tai64n.isAfter(Tai64n.of(t), Tai64n.of(t))).isFalse();
        assertThat(Tai64n.isAfter(Tai64n.of(t.plusSeconds(1)), Tai64n.of(t.plusMillis(900)))).isTrue();
    }

    @Test
    void keysRoundTripBase64AndDerivePublicKeysAsWgDoes() {
        // Expected value printed by `echo <private> | wg pubkey` (wireguard-tools).
        WireGuardKey priv = WireGuardKey.fromBase64("YAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=");
        assertThat(priv.publicKey().toBase64()).isEqualTo("Y2FD6uTgrq+/bbBAXCNOtE+PGk8Papoh7qaWBpQUXn0=");
        assertThat(WireGuardKey.fromBase64(priv.toBase64())).isEqualTo(priv);
        assertThat(priv.toString()).doesNotContain(priv.toBase64());
    }

    @Test
    void badKeysAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> WireGuardKey.fromBase64("abc")).hasMessageContaining("44 base64 characters");
        assertThatThrownBy(() -> WireGuardKey.fromBase64("YAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm!="))
                .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> WireGuardKey.fromBase64(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> WireGuardKey.fromBytes(new byte[31])).hasMessageContaining("32 bytes");
    }
}
