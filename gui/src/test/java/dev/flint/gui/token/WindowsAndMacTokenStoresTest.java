package dev.flint.gui.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.gui.token.macos.Keychain;
import dev.flint.gui.token.macos.KeychainTokenStore;
import dev.flint.gui.token.windows.Dpapi;
import dev.flint.gui.token.windows.DpapiTokenStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token under DPAPI and in the Keychain, with both APIs faked (neither OS runs here). */
class WindowsAndMacTokenStoresTest {
    @TempDir
    Path dir;

    /** DPAPI's contract: only the same user with the same entropy gets the clear text back. */
    static final class FakeDpapi implements Dpapi {
        String user = "ada";

        @Override
        public byte[] protect(byte[] clear, byte[] entropy, String description) {
            byte[] blob = new byte[clear.length];
            byte[] key = (user + new String(entropy, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < clear.length; i++) {
                blob[i] = (byte) (clear[i] ^ key[i % key.length]);
            }
            return blob;
        }

        @Override
        public byte[] unprotect(byte[] blob, byte[] entropy) {
            byte[] clear = protect(blob, entropy, null);
            if (!new String(clear, StandardCharsets.UTF_8).startsWith("token-")) {
                throw new IllegalStateException("The data is invalid (Windows error 13)");
            }
            return clear;
        }
    }

    @Test
    void theTokenIsStoredEncryptedForTheUserAndOnlyTheyReadItBack() throws Exception {
        FakeDpapi dpapi = new FakeDpapi();
        Path file = dir.resolve("session").resolve("token.dpapi");
        DpapiTokenStore store = new DpapiTokenStore(file, dpapi);
        assertThat(store.load()).isEmpty();
        store.save("token-abc");
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("token-abc");
        assertThat(store.load()).contains("token-abc");
        dpapi.user = "mallory";
        assertThatThrownBy(store::load).isInstanceOf(TokenStoreException.class).hasMessageContaining("sign in again");
        store.delete();
        assertThat(store.load()).isEmpty();
    }

    /** A Keychain holding generic passwords by service and account. */
    static final class FakeKeychain implements Keychain {
        final Map<String, byte[]> items = new HashMap<>();
        int failWith;

        private static String key(byte[] service, byte[] account) {
            return new String(service, StandardCharsets.UTF_8) + "/" + new String(account, StandardCharsets.UTF_8);
        }

        @Override
        public Optional<byte[]> find(byte[] service, byte[] account) throws KeychainException {
            if (failWith != 0) {
                throw new KeychainException("SecKeychainFindGenericPassword", failWith);
            }
            return Optional.ofNullable(items.get(key(service, account))).map(byte[]::clone);
        }

        @Override
        public void store(byte[] service, byte[] account, byte[] password) {
            items.put(key(service, account), Arrays.copyOf(password, password.length));
        }

        @Override
        public void delete(byte[] service, byte[] account) {
            items.remove(key(service, account));
        }
    }

    @Test
    void theTokenIsAGenericPasswordOfFlintsServiceAndAStatusBecomesASentence() throws Exception {
        FakeKeychain keychain = new FakeKeychain();
        KeychainTokenStore store = new KeychainTokenStore(keychain);
        assertThat(store.load()).isEmpty();
        store.save("token-1");
        store.save("token-2");
        assertThat(keychain.items).containsOnlyKeys("dev.flint.client/token");
        assertThat(store.load()).contains("token-2");
        keychain.failWith = -25293; // errSecAuthFailed: the user denied access
        assertThatThrownBy(store::load).hasMessage("Flint could not read your sign-in in the Keychain (error -25293).");
        keychain.failWith = 0;
        store.delete();
        store.delete();
        assertThat(store.load()).isEmpty();
    }
}
