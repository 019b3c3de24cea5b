package dev.flint.gui.token.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Optional;

/**
 * One generic password in the user's login Keychain, by service and account, with the Security
 * framework's status codes ({@code errSecSuccess} 0, {@code errSecItemNotFound} -25300) as results.
 */
public interface Keychain {
    int ERR_ITEM_NOT_FOUND = -25300;

    /** The password, or empty when there is none; status codes other than "not found" throw. */
    Optional<byte[]> find(byte[] service, byte[] account) throws KeychainException;

    /** Adds, or replaces the password of the existing item. */
    void store(byte[] service, byte[] account, byte[] password) throws KeychainException;

    /** Deletes the item; none is fine. */
    void delete(byte[] service, byte[] account) throws KeychainException;

    /** A Security framework call that answered {@code status}. */
    final class KeychainException extends Exception {
        private final int status;

        public KeychainException(String call, int status) {
            super(call + " answered " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The classic Keychain calls through JNA: small, stable and enough for one generic password. Not yet run on macOS. */
    static Keychain security() {
        return new SecurityFramework();
    }

    final class SecurityFramework implements Keychain {
        interface Security extends Library {
            int SecKeychainAddGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
                    byte[] account, int passwordLength, byte[] password, PointerByReference item);

            int SecKeychainFindGenericPassword(Pointer keychain, int serviceLength, byte[] service, int accountLength,
                    byte[] account, IntByReference passwordLength, PointerByReference passwordData,
                    PointerByReference item);

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
        public Optional<byte[]> find(byte[] service, byte[] account) throws KeychainException {
            IntByReference length = new IntByReference();
            PointerByReference data = new PointerByReference();
            int rc = security().SecKeychainFindGenericPassword(null, service.length, service, account.length, account,
                    length, data, null);
            if (rc == ERR_ITEM_NOT_FOUND) {
                return Optional.empty();
            }
            check("SecKeychainFindGenericPassword", rc);
            try {
                return Optional.of(data.getValue().getByteArray(0, length.getValue()));
            } finally {
                security.SecKeychainItemFreeContent(null, data.getValue());
            }
        }

        @Override
        public void store(byte[] service, byte[] account, byte[] password) throws KeychainException {
            PointerByReference item = new PointerByReference();
            int rc = security().SecKeychainFindGenericPassword(null, service.length, service, account.length, account,
                    null, null, item);
            if (rc == 0) {
                try {
                    check("SecKeychainItemModifyAttributesAndData",
                            security.SecKeychainItemModifyAttributesAndData(item.getValue(), null, password.length, password));
                } finally {
                    cf.CFRelease(item.getValue());
                }
                return;
            }
            check("SecKeychainAddGenericPassword", security.SecKeychainAddGenericPassword(null, service.length, service,
                    account.length, account, password.length, password, null));
        }

        @Override
        public void delete(byte[] service, byte[] account) throws KeychainException {
            PointerByReference item = new PointerByReference();
            int rc = security().SecKeychainFindGenericPassword(null, service.length, service, account.length, account,
                    null, null, item);
            if (rc == ERR_ITEM_NOT_FOUND) {
                return;
            }
            check("SecKeychainFindGenericPassword", rc);
            try {
                check("SecKeychainItemDelete", security.SecKeychainItemDelete(item.getValue()));
            } finally {
                cf.CFRelease(item.getValue());
            }
        }

        private static void check(String call, int rc) throws KeychainException {
            if (rc != 0) {
                throw new KeychainException(call, rc);
            }
        }
    }
}
