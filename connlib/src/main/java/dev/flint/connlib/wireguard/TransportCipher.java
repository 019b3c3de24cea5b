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
    private byte[] scratch = new byte[2048];

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
            if (plaintext.hasArray() && out.hasArray()) {
                if (padding == 0) {
                    sealer.doFinal(plaintext, out);
                } else {
                    sealer.update(plaintext, out);
                    zeros.clear().limit(padding);
                    sealer.doFinal(zeros, out);
                }
                return;
            }
            // The JDK copies direct buffers through fresh arrays; a per-thread scratch array avoids that garbage.
            int length = plaintext.remaining();
            byte[] in = scratch(length + padding);
            plaintext.get(in, 0, length);
            java.util.Arrays.fill(in, length, length + padding, (byte) 0);
            if (out.hasArray()) {
                int n = sealer.doFinal(in, 0, length + padding, out.array(), out.arrayOffset() + out.position());
                out.position(out.position() + n);
            } else {
                int n = sealer.doFinal(in, 0, length + padding, in, 0); // in place
                out.put(in, 0, n);
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
            if (ciphertext.hasArray() && out.hasArray()) {
                opener.doFinal(ciphertext, out);
                return true;
            }
            int length = ciphertext.remaining();
            byte[] in = scratch(length);
            ciphertext.get(in, 0, length);
            if (out.hasArray()) {
                int n = opener.doFinal(in, 0, length, out.array(), out.arrayOffset() + out.position());
                out.position(out.position() + n);
            } else {
                int n = opener.doFinal(in, 0, length, in, 0); // in place
                out.put(in, 0, n);
            }
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("output buffer too small", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 failed", e);
        }
    }

    private byte[] scratch(int length) {
        if (scratch.length < length + ChaChaPoly.TAG_LENGTH) {
            scratch = new byte[Math.max(length + ChaChaPoly.TAG_LENGTH, 2 * scratch.length)];
        }
        return scratch;
    }
}
