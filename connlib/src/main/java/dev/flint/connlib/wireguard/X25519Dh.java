package dev.flint.connlib.wireguard;

import java.util.Optional;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 on raw 32-byte arrays (Bouncy Castle's RFC 7748 code). */
final class X25519Dh {
    static final int KEY_LENGTH = 32;

    private X25519Dh() {}

    static byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * The shared secret, or empty when it is all zeros (a low-order public key): WireGuard must reject those,
     * otherwise an attacker fixes the shared secret.
     */
    static Optional<byte[]> sharedSecret(byte[] privateKey, byte[] publicKey) {
        byte[] shared = new byte[KEY_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            return Optional.empty();
        }
        return Optional.of(shared);
    }

    /** Clamps a random 32-byte string into an X25519 private scalar, as {@code wg genkey} does. */
    static byte[] clamp(byte[] random) {
        byte[] k = random.clone();
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
        return k;
    }
}
