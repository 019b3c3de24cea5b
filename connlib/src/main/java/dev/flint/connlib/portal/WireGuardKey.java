package dev.flint.connlib.portal;

import java.util.Base64;
import java.util.Objects;

/**
 * A 32-byte WireGuard key (public key or pre-shared key) in the portal's standard-base64-with-padding form.
 * Kept as its canonical text so records compare by value.
 */
public record WireGuardKey(String base64) {

    public WireGuardKey {
        Objects.requireNonNull(base64, "base64");
        if (decode(base64) == null) {
            throw new IllegalArgumentException("not a base64 32-byte key");
        }
    }

    public static WireGuardKey of(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("key must be 32 bytes");
        }
        return new WireGuardKey(Base64.getEncoder().encodeToString(bytes));
    }

    /** Parses the wire text; null unless it is 44 chars of padded standard base64 decoding to 32 bytes. */
    public static WireGuardKey parse(String text) {
        return decode(text) == null ? null : new WireGuardKey(text);
    }

    public byte[] bytes() {
        return decode(base64);
    }

    private static byte[] decode(String text) {
        if (text == null || text.length() != 44) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return bytes.length == 32 && Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "WireGuardKey[" + base64.substring(0, 6) + "…]";
    }
}
