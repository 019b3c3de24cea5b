package dev.flint.connlib.stun;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** The 96-bit transaction id of a STUN message. */
public record TransactionId(byte[] bytes) {
    public static final int LENGTH = 12;

    public TransactionId {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        bytes = bytes.clone();
    }

    public static TransactionId random(RandomGenerator random) {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return new TransactionId(b);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    byte byteAt(int i) {
        return bytes[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
