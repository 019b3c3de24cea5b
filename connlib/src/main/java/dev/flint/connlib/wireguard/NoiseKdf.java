package dev.flint.connlib.wireguard;

/**
 * The whitepaper's {@code KDF1/2/3}: HKDF with HMAC-BLAKE2s, returning one, two or three 32-byte outputs.
 */
final class NoiseKdf {
    private static final byte[] ONE = {1};

    private NoiseKdf() {}

    static byte[][] kdf1(byte[] key, byte[] input) {
        return derive(key, input, 1);
    }

    static byte[][] kdf2(byte[] key, byte[] input) {
        return derive(key, input, 2);
    }

    static byte[][] kdf3(byte[] key, byte[] input) {
        return derive(key, input, 3);
    }

    private static byte[][] derive(byte[] key, byte[] input, int count) {
        byte[] prk = Blake2s.hmac(key, input);
        byte[][] out = new byte[count][];
        out[0] = Blake2s.hmac(prk, ONE);
        for (int i = 1; i < count; i++) {
            out[i] = Blake2s.hmac(prk, out[i - 1], new byte[] {(byte) (i + 1)});
        }
        java.util.Arrays.fill(prk, (byte) 0);
        return out;
    }
}
