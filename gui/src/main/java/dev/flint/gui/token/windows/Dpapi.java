package dev.flint.gui.token.windows;

/**
 * The Data Protection API for the current Windows user: {@code CryptProtectData} and
 * {@code CryptUnprotectData}, bound to {@code entropy}. Only the same user's logon can unprotect.
 */
public interface Dpapi {

    byte[] protect(byte[] clear, byte[] entropy, String description);

    /** @throws RuntimeException when the blob is not this user's or was changed */
    byte[] unprotect(byte[] blob, byte[] entropy);

    /** crypt32 through jna-platform. Not yet run on Windows. */
    static Dpapi crypt32() {
        return new Dpapi() {
            @Override
            public byte[] protect(byte[] clear, byte[] entropy, String description) {
                return com.sun.jna.platform.win32.Crypt32Util.cryptProtectData(clear, entropy, 0, description, null);
            }

            @Override
            public byte[] unprotect(byte[] blob, byte[] entropy) {
                return com.sun.jna.platform.win32.Crypt32Util.cryptUnprotectData(blob, entropy, 0, null);
            }
        };
    }
}
