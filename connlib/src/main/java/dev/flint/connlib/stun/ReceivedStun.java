package dev.flint.connlib.stun;

import java.util.Arrays;

/**
 * A decoded STUN message together with the bytes it came in, so that MESSAGE-INTEGRITY can be
 * checked once the receiver knows which key applies.
 */
public final class ReceivedStun implements StunDecodeResult {
    private final StunMessage message;
    private final byte[] bytes;
    private final int integrityOffset;

    ReceivedStun(StunMessage message, byte[] bytes, int integrityOffset) {
        this.message = message;
        this.bytes = bytes;
        this.integrityOffset = integrityOffset;
    }

    public StunMessage message() {
        return message;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    /** True if MESSAGE-INTEGRITY is present and matches the HMAC-SHA1 under {@code key}. */
    public boolean integrityMatches(IntegrityKey key) {
        if (integrityOffset < 0) {
            return false;
        }
        byte[] expected = StunCodec.hmac(key, bytes, integrityOffset);
        return java.security.MessageDigest.isEqual(expected,
                Arrays.copyOfRange(bytes, integrityOffset + 4, integrityOffset + 24));
    }

    @Override
    public String toString() {
        return message.toString();
    }
}
