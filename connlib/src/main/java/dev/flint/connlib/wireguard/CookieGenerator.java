package dev.flint.connlib.wireguard;

import java.util.Optional;

/**
 * The sending side of the cookie mechanism for one peer: writes MAC1 (keyed by the peer's public key) into our
 * handshake messages, remembers it, takes the cookie out of a cookie reply and adds MAC2 while the cookie is
 * younger than two minutes. Used under the node's lock.
 */
final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieSetNanos;

    CookieGenerator(byte[] remoteStaticPublic) {
        this.mac1Key = Blake2s.hash(CookieChecker.LABEL_MAC1, remoteStaticPublic);
        this.cookieKey = Blake2s.hash(CookieChecker.LABEL_COOKIE, remoteStaticPublic);
    }

    /** Fills the last 32 bytes of {@code msg} (MAC1, MAC2) in place. */
    void addMacs(byte[] msg, long nowNanos) {
        int mac1At = msg.length - 32;
        byte[] mac1 = Blake2s.mac(mac1Key, msg, 0, mac1At);
        System.arraycopy(mac1, 0, msg, mac1At, 16);
        lastMac1 = mac1;
        int mac2At = msg.length - 16;
        if (cookie != null && nowNanos - cookieSetNanos <= CookieChecker.COOKIE_REFRESH_NANOS) {
            System.arraycopy(Blake2s.mac(cookie, msg, 0, mac2At), 0, msg, mac2At, 16);
        } else {
            java.util.Arrays.fill(msg, mac2At, msg.length, (byte) 0);
        }
    }

    /** Takes the cookie from a reply to our last message; false when it does not authenticate. */
    boolean consumeReply(WireGuardMessage.CookieReply reply, long nowNanos) {
        if (lastMac1 == null) {
            return false;
        }
        Optional<byte[]> opened = XChaCha20Poly1305.open(cookieKey, reply.nonce(), reply.encryptedCookie(), lastMac1);
        if (opened.isEmpty()) {
            return false;
        }
        cookie = opened.get();
        cookieSetNanos = nowNanos;
        return true;
    }
}
