package dev.flint.gui.token;

import java.util.Optional;

/**
 * The store picked at start-up and, when it is memory only, the sentence telling the user why they
 * will have to sign in again after a restart.
 */
public record TokenStoreChoice(TokenStore store, Optional<String> warning) {

    public static final String NO_KEYRING = "Flint could not reach a keyring (such as GNOME Keyring or KWallet), "
            + "so your sign-in is kept in memory only and you will have to sign in again after Flint restarts.";

    public static TokenStoreChoice memoryOnly(String why) {
        return new TokenStoreChoice(new MemoryTokenStore(), Optional.of(why));
    }

    /** Picks the platform keyring, or memory only with an explanation. */
    public static TokenStoreChoice forThisPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.startsWith("windows")) {
            return new TokenStoreChoice(new dev.flint.gui.token.windows.DpapiTokenStore(
                    dev.flint.gui.settings.AppDirs.forCurrentUser().session().resolve("token.dpapi")), Optional.empty());
        }
        if (os.contains("mac")) {
            return new TokenStoreChoice(new dev.flint.gui.token.macos.KeychainTokenStore(), Optional.empty());
        }
        return dev.flint.gui.token.linux.SecretServiceTokenStore.probe()
                .map(s -> new TokenStoreChoice(s, Optional.<String>empty()))
                .orElseGet(() -> memoryOnly(NO_KEYRING));
    }
}
