package dev.flint.connlib.wireguard;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 over the first 16 nonce bytes gives a subkey for the
 * IETF AEAD with nonce {@code 0^4 || nonce[16..24)}. WireGuard uses it only for cookie replies.
 */
final class XChaCha20Poly1305 {
    static final int NONCE_LENGTH = 24;

    private XChaCha20Poly1305() {}

    static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, nonce24, aad).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unusable", e);
        }
    }

    static Optional<byte[]> open(byte[] key, byte[] nonce24, byte[] ciphertext, byte[] aad) {
        if (ciphertext.length < ChaChaPoly.TAG_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(cipher(Cipher.DECRYPT_MODE, key, nonce24, aad).doFinal(ciphertext));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unusable", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce24, byte[] aad) throws GeneralSecurityException {
        if (nonce24.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("XChaCha20 needs a 24-byte nonce");
        }
        byte[] subkey = HChaCha20.subkey(key, Arrays.copyOfRange(nonce24, 0, 16));
        byte[] nonce = new byte[12];
        System.arraycopy(nonce24, 16, nonce, 4, 8);
        Cipher cipher = Cipher.getInstance(ChaChaPoly.ALGORITHM);
        cipher.init(mode, new SecretKeySpec(subkey, "ChaCha20"), new IvParameterSpec(nonce));
        Arrays.fill(subkey, (byte) 0);
        if (aad != null) {
            cipher.updateAAD(aad);
        }
        return cipher;
    }
}
