package dev.flint.gui.token;

import java.util.Optional;

/** Keeps the portal token between runs. Implementations never log the token. */
public interface TokenStore {

    Optional<String> load() throws TokenStoreException;

    void save(String token) throws TokenStoreException;

    /** Removes the token; a missing token is not an error. */
    void delete() throws TokenStoreException;

    /** False when the token is gone at exit, so the user signs in again next time. */
    boolean persistent();

    /** A short name for logs and the Diagnostics page, e.g. "Secret Service (gnome-keyring)". */
    String name();
}
