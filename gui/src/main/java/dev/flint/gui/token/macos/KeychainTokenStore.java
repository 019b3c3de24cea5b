package dev.flint.gui.token.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.flint.gui.token.TokenStore;
import dev.flint.gui.token.TokenStoreException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The token as a generic password (service {@code dev.flint.client}, account {@code token}) in the login Keychain. */
public final class KeychainTokenStore implements TokenStore {

    static final byte[] SERVICE = "dev.flint.client".getBytes(StandardCharsets.UTF_8);
    static final byte[] ACCOUNT = "token".getBytes(StandardCharsets.UTF_8);
    static final int ERR_ITEM_NOT_FOUND = -25300;

    /** The classic Keychain calls: small, stable and enough for one generic password. */
    interface Security extends Library {
        int SecKeychainAddGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
                byte[] account, int passwordLength, byte[] password, PointerByReference item);

        int SecKeychainFindGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
                byte[] account, IntByReference passwordLength, PointerByReference passwordData, PointerByReference item);

        int SecKeychainItemModifyAttributesAndData(Pointer item, Pointer attrList, int length, byte[] data);

        int SecKeychainItemDelete(Pointer item);

        int SecKeychainItemFreeContent(Pointer attrList, Pointer data);
    }

    interface CoreFoundation extends Library {
        void CFRelease(Pointer ref);
    }

    private Security security;
    private CoreFoundation cf;

    private synchronized Security security() {
        if (security == null) {
            security = Native.load("Security", Security.class);
            cf = Native.load("CoreFoundation", CoreFoundation.class);
        }
        return security;
    }

    @Override
    public Optional<String> load() throws TokenStoreException {
        IntByReference len = new IntByReference();
        PointerByReference data = new PointerByReference();
        int rc = security().SecKeychainFindGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT, len, data, null);
        if (rc == ERR_ITEM_NOT_FOUND) {
            return Optional.empty();
        }
        check(rc, "read");
        try {
            return Optional.of(new String(data.getValue().getByteArray(0, len.getValue()), StandardCharsets.UTF_8));
        } finally {
            security.SecKeychainItemFreeContent(null, data.getValue());
        }
    }

    @Override
    public void save(String token) throws TokenStoreException {
        byte[] pw = token.getBytes(StandardCharsets.UTF_8);
        PointerByReference item = new PointerByReference();
        int rc = security().SecKeychainFindGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT, null, null, item);
        if (rc == 0) {
            try {
                check(security.SecKeychainItemModifyAttributesAndData(item.getValue(), null, pw.length, pw), "update");
            } finally {
                cf.CFRelease(item.getValue());
            }
            return;
        }
        check(security.SecKeychainAddGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT, pw.length, pw, null), "save");
    }

    @Override
    public void delete() throws TokenStoreException {
        PointerByReference item = new PointerByReference();
        int rc = security().SecKeychainFindGenericPassword(null, SERVICE.length, SERVICE, ACCOUNT.length, ACCOUNT, null, null, item);
        if (rc == ERR_ITEM_NOT_FOUND) {
            return;
        }
        check(rc, "find");
        try {
            check(security.SecKeychainItemDelete(item.getValue()), "delete");
        } finally {
            cf.CFRelease(item.getValue());
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String name() {
        return "macOS Keychain";
    }

    private static void check(int rc, String what) throws TokenStoreException {
        if (rc != 0) {
            throw new TokenStoreException("Flint could not " + what + " your sign-in in the Keychain (error " + rc + ").");
        }
    }
}
