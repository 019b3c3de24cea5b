package dev.flint.connlib.wireguard;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The receiving side of the cookie mechanism (whitepaper §5.4.7, wireguard-go {@code cookie.go}): checks MAC1
 * against our public key, and under load MAC2 against a cookie derived from a secret that changes every two
 * minutes and the sender's address; makes the cookie replies. Used under the node's lock.
 */
final class CookieChecker {
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);
    static final long COOKIE_REFRESH_NANOS = 120_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] secret = new byte[32];
    private long secretSetNanos;
    private boolean secretSet;

    CookieChecker(byte[] localStaticPublic) {
        this.mac1Key = Blake2s.hash(LABEL_MAC1, localStaticPublic);
        this.cookieKey = Blake2s.hash(LABEL_COOKIE, localStaticPublic);
    }

    boolean checkMac1(byte[] msg) {
        int mac1At = msg.length - 32;
        byte[] expected = Blake2s.mac(mac1Key, msg, 0, mac1At);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(msg, mac1At, mac1At + 16));
    }

    boolean checkMac2(byte[] msg, InetSocketAddress source, long nowNanos) {
        if (!secretSet || nowNanos - secretSetNanos > COOKIE_REFRESH_NANOS) {
            return false;
        }
        byte[] cookie = Blake2s.mac(secret, sourceBytes(source));
        int mac2At = msg.length - 16;
        byte[] expected = Blake2s.mac(cookie, msg, 0, mac2At);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(msg, mac2At, mac2At + 16));
    }

    /** A cookie reply to {@code msg} (an initiation or response whose sender index is {@code receiver}). */
    WireGuardMessage.CookieReply createReply(
            byte[] msg, int receiver, InetSocketAddress source, long nowNanos, RandomGenerator random) {
        if (!secretSet || nowNanos - secretSetNanos > COOKIE_REFRESH_NANOS) {
            random.nextBytes(secret);
            secretSetNanos = nowNanos;
            secretSet = true;
        }
        byte[] cookie = Blake2s.mac(secret, sourceBytes(source));
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        random.nextBytes(nonce);
        int mac1At = msg.length - 32;
        byte[] mac1 = Arrays.copyOfRange(msg, mac1At, mac1At + 16);
        return new WireGuardMessage.CookieReply(receiver, nonce, XChaCha20Poly1305.seal(cookieKey, nonce, cookie, mac1));
    }

    /** The address as wireguard-go hashes it: the IP's bytes, then the port little-endian. */
    static byte[] sourceBytes(InetSocketAddress source) {
        if (source == null || source.getAddress() == null) {
            return new byte[0];
        }
        byte[] ip = source.getAddress().getAddress();
        byte[] out = Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) source.getPort();
        out[ip.length + 1] = (byte) (source.getPort() >>> 8);
        return out;
    }
}
