package dev.flint.gui.token.windows;

import dev.flint.gui.settings.PrivateFiles;
import dev.flint.gui.token.TokenStore;
import dev.flint.gui.token.TokenStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The token encrypted with DPAPI for the current Windows user (only that user's logon can decrypt it),
 * stored as a blob in the per-user session directory.
 */
public final class DpapiTokenStore implements TokenStore {

    /** Binds the blob to Flint, so another program calling DPAPI for the same user needs to know it. */
    static final byte[] ENTROPY = "dev.flint.client/token".getBytes(StandardCharsets.UTF_8);

    private final Path file;
    private final Dpapi dpapi;

    public DpapiTokenStore(Path file) {
        this(file, Dpapi.crypt32());
    }

    public DpapiTokenStore(Path file, Dpapi dpapi) {
        this.file = file;
        this.dpapi = dpapi;
    }

    @Override
    public Optional<String> load() throws TokenStoreException {
        byte[] blob;
        try {
            blob = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TokenStoreException("Flint could not read your saved sign-in.", e);
        }
        try {
            byte[] clear = dpapi.unprotect(blob, ENTROPY);
            return Optional.of(new String(clear, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new TokenStoreException("Your saved sign-in could not be decrypted; please sign in again.", e);
        }
    }

    @Override
    public void save(String token) throws TokenStoreException {
        try {
            byte[] blob = dpapi.protect(token.getBytes(StandardCharsets.UTF_8), ENTROPY, "Flint sign-in token");
            PrivateFiles.writeAtomically(file, blob);
        } catch (IOException | RuntimeException e) {
            throw new TokenStoreException("Flint could not save your sign-in; you will have to sign in again after it restarts.", e);
        }
    }

    @Override
    public void delete() throws TokenStoreException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new TokenStoreException("Flint could not delete your saved sign-in.", e);
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String name() {
        return "Windows DPAPI";
    }
}
