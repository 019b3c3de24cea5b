package dev.flint.connlib.wireguard;

import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) from the JDK, with WireGuard's nonce: 4 zero bytes then the 64-bit counter
 * little-endian. This is the allocation-tolerant form used for handshake messages; the transport path uses
 * {@link TransportCipher}.
 */
final class ChaChaPoly {
    static final int TAG_LENGTH = 16;
    static final String ALGORITHM = "ChaCha20-Poly1305";

    private ChaChaPoly() {}

    static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unusable", e);
        }
    }

    /** The plaintext, or empty when authentication fails. */
    static Optional<byte[]> open(byte[] key, long counter, byte[] ciphertext, byte[] aad) {
        if (ciphertext.length < TAG_LENGTH) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce(counter)));
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return Optional.of(cipher.doFinal(ciphertext));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unusable", e);
        }
    }

    static byte[] nonce(long counter) {
        byte[] nonce = new byte[12];
        writeNonce(nonce, counter);
        return nonce;
    }

    static void writeNonce(byte[] nonce, long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }
}
