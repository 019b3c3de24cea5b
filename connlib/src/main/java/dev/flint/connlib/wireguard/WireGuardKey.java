package dev.flint.connlib.wireguard;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * A 32-byte WireGuard key: an X25519 private or public key, or a preshared key. Encoded as 44 characters of
 * standard base64, as {@code wg} and wg-quick files write them. Immutable; {@link #toString()} never shows the
 * bytes, so a private key cannot leak into a log by accident.
 */
public final class WireGuardKey {
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private WireGuardKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A key from its 32 raw bytes (copied). */
    public static WireGuardKey fromBytes(byte[] raw) {
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException("a WireGuard key is 32 bytes, got " + raw.length);
        }
        return new WireGuardKey(raw.clone());
    }

    /**
     * Decodes a base64 key.
     *
     * @throws IllegalArgumentException naming what is wrong (length, alphabet, decoded size)
     */
    public static WireGuardKey fromBase64(String text) {
        if (text == null) {
            throw new IllegalArgumentException("key is missing");
        }
        String trimmed = text.strip();
        if (trimmed.length() != 44 || trimmed.charAt(43) != '=') {
            throw new IllegalArgumentException(
                    "key must be 44 base64 characters ending in '=' (32 bytes), got " + trimmed.length() + " characters");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not valid base64: " + e.getMessage(), e);
        }
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException("key must decode to 32 bytes, got " + raw.length);
        }
        return new WireGuardKey(raw);
    }

    /**
     * The portal's form of a key: exactly 44 characters of padded standard base64 decoding to 32 bytes, nothing
     * around it. Null for anything else, so a decoder can say which field was wrong.
     */
    public static WireGuardKey parse(String text) {
        if (text == null || text.length() != 44) {
            return null;
        }
        try {
            byte[] raw = Base64.getDecoder().decode(text);
            return raw.length == LENGTH && Base64.getEncoder().encodeToString(raw).equals(text) ? new WireGuardKey(raw)
                : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A new private key: 32 random bytes clamped for X25519, as {@code wg genkey} makes them. */
    public static WireGuardKey generatePrivate(RandomGenerator random) {
        byte[] raw = new byte[LENGTH];
        random.nextBytes(raw);
        return new WireGuardKey(X25519Dh.clamp(raw));
    }

    /** A new random preshared key, as {@code wg genpsk} makes them. */
    public static WireGuardKey generatePreshared(RandomGenerator random) {
        byte[] raw = new byte[LENGTH];
        random.nextBytes(raw);
        return new WireGuardKey(raw);
    }

    /** The X25519 public key of this private key. */
    public WireGuardKey publicKey() {
        return new WireGuardKey(X25519Dh.publicKey(bytes));
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A copy of the raw bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    boolean isZero() {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireGuardKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "WireGuardKey[" + LENGTH + " bytes]";
    }
}
