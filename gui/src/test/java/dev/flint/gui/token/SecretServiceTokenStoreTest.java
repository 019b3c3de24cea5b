package dev.flint.gui.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.gui.token.linux.SecretServiceTokenStore;
import java.nio.file.Path;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against gnome-keyring's real Secret Service on a private session bus, checked with libsecret's secret-tool. */
class SecretServiceTokenStoreTest {

    @TempDir
    Path home;

    @Test
    void savesLoadsReplacesAndDeletesTheToken() throws Exception {
        try (var bus = PrivateSessionBus.start(home)) {
            bus.startKeyring();
            try (var conn = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
                var store = new SecretServiceTokenStore(conn);
                assertThat(store.load()).isEmpty();

                store.save("nonce-and-fragment-1");
                assertThat(store.load()).contains("nonce-and-fragment-1");
                assertThat(bus.run("secret-tool", "lookup", "service", "dev.flint.client", "username", "token"))
                        .isEqualTo("nonce-and-fragment-1");

                store.save("second");
                assertThat(store.load()).contains("second");
                assertThat(bus.run("secret-tool", "search", "--all", "service", "dev.flint.client")
                        .lines().filter(l -> l.startsWith("secret = ")).toList()).containsExactly("secret = second");

                store.delete();
                assertThat(store.load()).isEmpty();
                assertThat(bus.run("secret-tool", "lookup", "service", "dev.flint.client", "username", "token")).isEmpty();
                store.delete();
            }
        }
    }

    @Test
    void readsATokenWrittenByAnotherSecretServiceClient() throws Exception {
        try (var bus = PrivateSessionBus.start(home)) {
            bus.startKeyring();
            bus.runWithInput("written-by-secret-tool", "secret-tool", "store", "--label=x",
                    "service", "dev.flint.client", "username", "token");
            try (var conn = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
                assertThat(new SecretServiceTokenStore(conn).load()).contains("written-by-secret-tool");
            }
        }
    }

    @Test
    void aKeyringWithoutADefaultCollectionUsesTheLoginCollection() throws Exception {
        try (var bus = PrivateSessionBus.start(home)) {
            bus.startKeyring();
            try (var conn = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
                var service = conn.getRemoteObject("org.freedesktop.secrets", "/org/freedesktop/secrets",
                        dev.flint.gui.token.linux.SecretServiceApi.Service.class);
                service.SetAlias("default", new org.freedesktop.dbus.DBusPath("/"));
                assertThat(service.ReadAlias("default").getPath()).isEqualTo("/");
                var store = new SecretServiceTokenStore(conn);
                store.save("kept-in-login");
                assertThat(store.load()).contains("kept-in-login");
                assertThat(service.SearchItems(SecretServiceTokenStore.ATTRIBUTES).unlocked)
                        .singleElement().satisfies(p -> assertThat(p.getPath()).startsWith("/org/freedesktop/secrets/collection/login/"));
            }
        }
    }

    @Test
    void aKeyringWithNoCollectionAtAllIsAskedToCreateOneAndADismissalIsASentence() throws Exception {
        // The bus activates gnome-keyring on demand with no keyring at all; creating one needs the prompter, which
        // has no display here, so the prompt ends dismissed.
        try (var bus = PrivateSessionBus.start(home);
             var conn = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
            var store = new SecretServiceTokenStore(conn);
            assertThatThrownBy(() -> store.save("x")).isInstanceOf(TokenStoreException.class)
                    .hasMessageContaining("sign in again");
        }
    }

    @Test
    void memoryOnlyChoiceExplainsWhy() {
        var choice = TokenStoreChoice.memoryOnly(TokenStoreChoice.NO_KEYRING);
        assertThat(choice.store().persistent()).isFalse();
        assertThat(choice.warning()).hasValueSatisfying(w -> assertThat(w).contains("sign in again"));
    }
}
