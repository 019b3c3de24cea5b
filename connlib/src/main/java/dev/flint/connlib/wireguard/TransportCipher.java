package dev.flint.connlib.wireguard;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The transport-data AEAD of one thread: a JDK {@code Cipher} pair re-initialised per packet with the session key
 * and the counter nonce. A {@code Cipher} is not thread-safe, so every worker thread gets its own through
 * {@link #current()}; packets of the same session can then be sealed and opened on several threads at once.
 */
final class TransportCipher {
    private static final ThreadLocal<TransportCipher> PER_THREAD = ThreadLocal.withInitial(TransportCipher::new);

    private final Cipher sealer;
    private final Cipher opener;
    private final byte[] nonce = new byte[12];
    private final ByteBuffer zeros = ByteBuffer.allocate(16);

    private TransportCipher() {
        try {
            sealer = Cipher.getInstance(ChaChaPoly.ALGORITHM);
            opener = Cipher.getInstance(ChaChaPoly.ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unavailable", e);
        }
    }

    static TransportCipher current() {
        return PER_THREAD.get();
    }

    static SecretKeySpec key(byte[] raw) {
        return new SecretKeySpec(raw, "ChaCha20");
    }

    /**
     * Seals {@code plaintext} (position to limit, consumed) followed by {@code padding} zero bytes into {@code out}
     * at its position, which advances by {@code plaintext + padding + 16}.
     */
    void seal(SecretKeySpec key, long counter, ByteBuffer plaintext, int padding, ByteBuffer out) {
        ChaChaPoly.writeNonce(nonce, counter);
        try {
            sealer.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            if (padding == 0) {
                sealer.doFinal(plaintext, out);
            } else {
                sealer.update(plaintext, out);
                zeros.clear().limit(padding);
                sealer.doFinal(zeros, out);
            }
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output buffer too small", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 failed", e);
        }
    }

    /**
     * Opens {@code ciphertext} (position to limit, including the tag) into {@code out} at its position. Returns
     * false when authentication fails; {@code out}'s content past its position is then unspecified.
     */
    boolean open(SecretKeySpec key, long counter, ByteBuffer ciphertext, ByteBuffer out) {
        ChaChaPoly.writeNonce(nonce, counter);
        try {
            opener.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            opener.doFinal(ciphertext, out);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output buffer too small", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 failed", e);
        }
    }
}
