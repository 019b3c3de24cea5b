package dev.flint.connlib.wireguard;

import static dev.flint.connlib.wireguard.CryptoPrimitivesTest.hex;
import static dev.flint.connlib.wireguard.CryptoPrimitivesTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

/**
 * A full handshake with fixed keys, ephemerals, indices and time. The expected bytes come from two independent
 * derivations: {@code handshake_vector.py} next to this test (Python hashlib + cryptography, run once, output
 * pasted below) and {@link #whitepaperInitiation()}, a straight-line transcription of whitepaper §5.4.2 using the
 * Bouncy Castle and JDK primitives directly rather than the engine's classes.
 */
class HandshakeVectorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Instant TIME = Instant.parse("2026-11-24T12:00:00.123456789Z");
    private static final byte[] I_PRIVATE = X25519Dh.clamp(range(1, 33));
    private static final byte[] R_PRIVATE = X25519Dh.clamp(range(33, 65));
    private static final byte[] I_EPHEMERAL = range(65, 97);
    private static final byte[] R_EPHEMERAL = range(97, 129);
    private static final byte[] PSK = filled(0x55);
    private static final int I_INDEX = 0x11223344;
    private static final int R_INDEX = 0x55667788;

    // Output of handshake_vector.py.
    private static final String INITIATION = "010000004433221164b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d98"
            + "46d48466158a0e4ca242d151ca97ab90159a98b67e616625e68b4065d357376b6598e644ad7d678c0295d22de4cb43d5135581"
            + "ed36346bfa72a2a7522639f893fa3d23b79f3fd0e41308600837d9f6a5dbe687f040e8367470bbd9715e8ad69d0000000000"
            + "0000000000000000000000";
    private static final String RESPONSE = "020000008877665544332211244fe3b963e899dd295baffce248d3530f3a9a7479ba0630"
            + "02680ebfe7adad49c66e6adcc18059ae43828ada31315203690b3fc0edfb17f885b6473aad44473d000000000000000000000"
            + "00000000000";
    private static final String KEEPALIVE = "0400000088776655000000000000000090effd63db4acdd5e63f4f3ee76167a2";

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void engineProducesTheIndependentlyDerivedMessagesAndKeys() {
        var iRandom = new ScriptedRandom(1).withInts(I_INDEX).withBytes(I_EPHEMERAL);
        var rRandom = new ScriptedRandom(2).withInts(R_INDEX).withBytes(R_EPHEMERAL);
        var initiator = new WireGuardNode(WireGuardKey.fromBytes(I_PRIVATE), WireGuardConfig.standard(), iRandom);
        var responder = new WireGuardNode(WireGuardKey.fromBytes(R_PRIVATE), WireGuardConfig.standard(), rRandom);
        var iAddr = new InetSocketAddress("192.0.2.1", 51820);
        var rAddr = new InetSocketAddress("192.0.2.2", 51820);
        WireGuardPeer rOnI = initiator.addPeer(responder.publicKey(), WireGuardKey.fromBytes(PSK), null, rAddr, TIME);
        WireGuardPeer iOnR = responder.addPeer(initiator.publicKey(), WireGuardKey.fromBytes(PSK), null, null, TIME);

        initiator.initiateHandshake(rOnI, TIME);
        Outgoing initiation = initiator.pollTransmit();
        assertThat(initiation.endpoint()).isEqualTo(rAddr);
        assertThat(HEX.formatHex(initiation.payload())).isEqualTo(INITIATION);
        assertThat(initiation.payload()).isEqualTo(whitepaperInitiation());

        ByteBuffer out = ByteBuffer.allocate(2048);
        Received r = responder.decrypt(iAddr, ByteBuffer.wrap(initiation.payload()), out, TIME);
        assertThat(r.kind()).isEqualTo(Received.Kind.HANDSHAKE);
        assertThat(r.peer()).isSameAs(iOnR);
        Outgoing response = responder.pollTransmit();
        assertThat(response.endpoint()).isEqualTo(iAddr);
        assertThat(HEX.formatHex(response.payload())).isEqualTo(RESPONSE);

        assertThat(initiator.decrypt(rAddr, ByteBuffer.wrap(response.payload()), out, TIME).kind())
                .isEqualTo(Received.Kind.HANDSHAKE);
        assertThat(initiator.pollEvent()).isInstanceOf(WireGuardEvent.HandshakeCompleted.class);
        Outgoing keepalive = initiator.pollTransmit();
        // The first transport message is sealed with the initiator's sending key derived in Python.
        assertThat(HEX.formatHex(keepalive.payload())).isEqualTo(KEEPALIVE);

        assertThat(responder.decrypt(iAddr, ByteBuffer.wrap(keepalive.payload()), out, TIME).kind())
                .isEqualTo(Received.Kind.KEEPALIVE);
        assertThat(responder.pollEvent()).isEqualTo(new WireGuardEvent.HandshakeCompleted(iOnR, TIME, false));
    }

    /** Whitepaper §5.4.2, line by line, with no engine code. */
    private static byte[] whitepaperInitiation() {
        byte[] rPublic = new byte[32];
        X25519.generatePublicKey(R_PRIVATE, 0, rPublic, 0);
        byte[] iPublic = new byte[32];
        X25519.generatePublicKey(I_PRIVATE, 0, iPublic, 0);
        byte[] ePrivate = X25519Dh.clamp(I_EPHEMERAL);
        byte[] ePublic = new byte[32];
        X25519.generatePublicKey(ePrivate, 0, ePublic, 0);

        // Ci := HASH(CONSTRUCTION); Hi := HASH(Ci || IDENTIFIER); Hi := HASH(Hi || Sr_pub)
        byte[] c = blake2s("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII));
        byte[] h = blake2s(c, "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII));
        h = blake2s(h, rPublic);
        // Ci := KDF1(Ci, Ei_pub); msg.ephemeral := Ei_pub; Hi := HASH(Hi || msg.ephemeral)
        c = hmac(hmac(c, ePublic), new byte[] {1});
        h = blake2s(h, ePublic);
        // (Ci, k) := KDF2(Ci, DH(Ei_priv, Sr_pub)); msg.static := AEAD(k, 0, Si_pub, Hi); Hi := HASH(Hi || msg.static)
        byte[] t0 = hmac(c, dh(ePrivate, rPublic));
        c = hmac(t0, new byte[] {1});
        byte[] k = hmac(t0, concat(c, new byte[] {2}));
        byte[] encryptedStatic = aead(k, iPublic, h);
        h = blake2s(h, encryptedStatic);
        // (Ci, k) := KDF2(Ci, DH(Si_priv, Sr_pub)); msg.timestamp := AEAD(k, 0, TAI64N(), Hi)
        t0 = hmac(c, dh(I_PRIVATE, rPublic));
        c = hmac(t0, new byte[] {1});
        k = hmac(t0, concat(c, new byte[] {2}));
        ByteBuffer tai = ByteBuffer.allocate(12);
        tai.putLong(0x400000000000000aL + TIME.getEpochSecond()).putInt(TIME.getNano() & ~0xffffff);
        byte[] encryptedTimestamp = aead(k, tai.array(), h);

        ByteBuffer msg = ByteBuffer.allocate(148).order(ByteOrder.LITTLE_ENDIAN);
        msg.put((byte) 1).put(new byte[3]).putInt(I_INDEX).put(ePublic).put(encryptedStatic).put(encryptedTimestamp);
        // msg.mac1 := MAC(HASH(LABEL_MAC1 || Sr_pub), msg[0:116]); msg.mac2 := 0^16 (no cookie)
        byte[] mac1Key = blake2s("mac1----".getBytes(StandardCharsets.US_ASCII), rPublic);
        var mac = new Blake2sDigest(mac1Key, 16, null, null);
        mac.update(msg.array(), 0, 116);
        byte[] mac1 = new byte[16];
        mac.doFinal(mac1, 0);
        msg.put(mac1);
        return msg.array();
    }

    private static byte[] blake2s(byte[]... parts) {
        var d = new Blake2sDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        var m = new HMac(new Blake2sDigest(256));
        m.init(new KeyParameter(key));
        m.update(data, 0, data.length);
        byte[] out = new byte[32];
        m.doFinal(out, 0);
        return out;
    }

    private static byte[] dh(byte[] priv, byte[] pub) {
        byte[] out = new byte[32];
        X25519.scalarMult(priv, 0, pub, 0, out, 0);
        return out;
    }

    private static byte[] aead(byte[] key, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(new byte[12]));
            cipher.updateAAD(aad);
            return cipher.doFinal(plaintext);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theVectorScriptIsNextToThisTest() {
        assertThat(HandshakeVectorTest.class.getResource("handshake_vector.py")).isNotNull();
        assertThat(hex(KEEPALIVE)).hasSize(32);
    }
}
