package dev.flint.devstack.topology;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bytes the resource web server sends for {@code /random?n=N&seed=S}: a xorshift64* stream, the same for the
 * same seed on every machine, so a client can check a download's SHA-256 without the server sending it. Not zeros:
 * a lost, duplicated or reordered segment changes the digest.
 */
public final class PseudoRandomBytes {

    private PseudoRandomBytes() {
    }

    /** Writes {@code n} bytes of the stream of {@code seed} to {@code out}, 16 KiB at a time. */
    public static void write(long seed, long n, OutputStream out) throws IOException {
        byte[] chunk = new byte[16384];
        long state = start(seed);
        for (long left = n; left > 0; ) {
            int length = (int) Math.min(left, chunk.length);
            state = fill(state, chunk, length);
            out.write(chunk, 0, length);
            left -= length;
        }
    }

    /** The SHA-256 of the first {@code n} bytes of the stream of {@code seed}, as lower-case hex. */
    public static String sha256(long seed, long n) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] chunk = new byte[16384];
        long state = start(seed);
        for (long left = n; left > 0; ) {
            int length = (int) Math.min(left, chunk.length);
            state = fill(state, chunk, length);
            digest.update(chunk, 0, length);
            left -= length;
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static long start(long seed) {
        // xorshift needs a state other than zero.
        long state = seed * 0x9E3779B97F4A7C15L;
        return state == 0 ? 0x2545F4914F6CDD1DL : state;
    }

    /** Fills {@code length} bytes (a multiple of 8 except at the very end of a stream) and returns the next state. */
    private static long fill(long state, byte[] chunk, int length) {
        for (int i = 0; i < length; i += 8) {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            long word = state * 0x2545F4914F6CDD1DL;
            for (int b = 0; b < 8 && i + b < length; b++) {
                chunk[i + b] = (byte) (word >>> (8 * b));
            }
        }
        return state;
    }
}
