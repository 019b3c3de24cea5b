package dev.flint.gui.token;

import java.util.Optional;

/** The token lives only as long as this process: used when no keyring is reachable. */
public final class MemoryTokenStore implements TokenStore {

    private volatile String token;

    @Override
    public Optional<String> load() {
        return Optional.ofNullable(token);
    }

    @Override
    public void save(String token) {
        this.token = token;
    }

    @Override
    public void delete() {
        token = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public String name() {
        return "memory only";
    }
}
