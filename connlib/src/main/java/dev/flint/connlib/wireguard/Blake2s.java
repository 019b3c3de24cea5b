package dev.flint.connlib.wireguard;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The BLAKE2s constructions of the WireGuard whitepaper: {@code HASH} (BLAKE2s-256), {@code MAC} (keyed
 * BLAKE2s-128) and {@code HMAC} (HMAC over BLAKE2s-256). Bouncy Castle's lightweight classes are called directly
 * so no JCA provider order can pick another implementation.
 */
final class Blake2s {
    static final int HASH_LENGTH = 32;
    static final int MAC_LENGTH = 16;

    private Blake2s() {}

    /** BLAKE2s-256 of the concatenation of {@code parts}. */
    static byte[] hash(byte[]... parts) {
        var digest = new Blake2sDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** Keyed BLAKE2s with a 16-byte output over {@code data[offset, offset+length)}. */
    static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        var digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, offset, length);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] mac(byte[] key, byte[] data) {
        return mac(key, data, 0, data.length);
    }

    /** HMAC-BLAKE2s-256 of the concatenation of {@code parts}. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        var hmac = new HMac(new Blake2sDigest(256));
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }
}
