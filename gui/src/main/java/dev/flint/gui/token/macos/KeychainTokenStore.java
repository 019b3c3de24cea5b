package dev.flint.gui.token.macos;

import dev.flint.gui.token.TokenStore;
import dev.flint.gui.token.TokenStoreException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The token as a generic password (service {@code dev.flint.client}, account {@code token}) in the login Keychain. */
public final class KeychainTokenStore implements TokenStore {

    static final byte[] SERVICE = "dev.flint.client".getBytes(StandardCharsets.UTF_8);
    static final byte[] ACCOUNT = "token".getBytes(StandardCharsets.UTF_8);

    private final Keychain keychain;

    public KeychainTokenStore() {
        this(Keychain.security());
    }

    public KeychainTokenStore(Keychain keychain) {
        this.keychain = keychain;
    }

    @Override
    public Optional<String> load() throws TokenStoreException {
        try {
            return keychain.find(SERVICE, ACCOUNT).map(b -> new String(b, StandardCharsets.UTF_8));
        } catch (Keychain.KeychainException e) {
            throw failure("read", e);
        }
    }

    @Override
    public void save(String token) throws TokenStoreException {
        try {
            keychain.store(SERVICE, ACCOUNT, token.getBytes(StandardCharsets.UTF_8));
        } catch (Keychain.KeychainException e) {
            throw failure("save", e);
        }
    }

    @Override
    public void delete() throws TokenStoreException {
        try {
            keychain.delete(SERVICE, ACCOUNT);
        } catch (Keychain.KeychainException e) {
            throw failure("delete", e);
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

    private static TokenStoreException failure(String what, Keychain.KeychainException e) {
        return new TokenStoreException("Flint could not " + what + " your sign-in in the Keychain (error "
                + e.status() + ").", e);
    }
}
