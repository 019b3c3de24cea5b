package dev.flint.tunnel.wireguard;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** A 32-byte WireGuard key (private, public or preshared), as wg writes it in base64 or hex. */
public record WireGuardKey(byte[] bytes) {

    public WireGuardKey {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a WireGuard key has 32 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The 44-character base64 form used in configuration files. */
    public static Optional<WireGuardKey> parseBase64(String text) {
        if (text.length() != 44 || !text.endsWith("=")) {
            return Optional.empty();
        }
        try {
            byte[] b = Base64.getDecoder().decode(text);
            return b.length == 32 ? Optional.of(new WireGuardKey(b)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The 64-character lower-case hex form used by the userspace API. */
    public static Optional<WireGuardKey> parseHex(String text) {
        if (text.length() != 64) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WireGuardKey(HexFormat.of().parseHex(text)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireGuardKey k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "WireGuardKey[" + base64().substring(0, 8) + "...]";
    }
}
