package dev.flint.connlib.stun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * The HMAC-SHA1 key of MESSAGE-INTEGRITY: the SASLprep'd password for short-term credentials
 * (ICE), MD5(username:realm:password) for long-term credentials (TURN).
 */
public record IntegrityKey(byte[] bytes) {
    public IntegrityKey {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    public static IntegrityKey shortTerm(String password) {
        return new IntegrityKey(saslPrep(password).getBytes(StandardCharsets.UTF_8));
    }

    public static IntegrityKey longTerm(String username, String realm, String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            String joined = username + ":" + realm + ":" + saslPrep(password);
            return new IntegrityKey(md5.digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JDK", e);
        }
    }

    /**
     * The parts of SASLprep (RFC 4013) that matter for passwords: characters "commonly mapped to
     * nothing" are dropped, non-ASCII spaces become spaces, then NFKC. Firezone's passwords are
     * base64 and pass through unchanged.
     */
    static String saslPrep(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (mapsToNothing(cp)) {
                return;
            }
            b.appendCodePoint(isNonAsciiSpace(cp) ? ' ' : cp);
        });
        return Normalizer.normalize(b, Normalizer.Form.NFKC);
    }

    private static boolean mapsToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || cp == 0x180B || cp == 0x180C || cp == 0x180D
                || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF;
    }

    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntegrityKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "IntegrityKey[redacted]";
    }
}
