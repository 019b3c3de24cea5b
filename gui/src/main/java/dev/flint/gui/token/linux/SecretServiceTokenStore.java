package dev.flint.gui.token.linux;

import dev.flint.gui.token.TokenStore;
import dev.flint.gui.token.TokenStoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token as one item in the default Secret Service collection, found by the attributes
 * {@code service=dev.flint.client, username=token}. Uses the "plain" session algorithm: the secret
 * crosses only the user's private session bus.
 */
public final class SecretServiceTokenStore implements TokenStore {

    private static final Logger LOG = LoggerFactory.getLogger(SecretServiceTokenStore.class);
    static final String BUS_NAME = "org.freedesktop.secrets";
    static final String SERVICE_PATH = "/org/freedesktop/secrets";
    public static final Map<String, String> ATTRIBUTES = Map.of("service", "dev.flint.client", "username", "token");
    private static final String LABEL = "Flint sign-in token";
    /** How long the user has to answer a keyring prompt (a new keyring's password takes a moment to choose). */
    static final java.time.Duration PROMPT_WAIT = java.time.Duration.ofMinutes(2);

    private final DBusConnection bus;

    public SecretServiceTokenStore(DBusConnection bus) {
        this.bus = bus;
    }

    /** A store on the session bus if a Secret Service is running or activatable there. */
    public static Optional<SecretServiceTokenStore> probe() {
        if (System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
            return Optional.empty();
        }
        try {
            DBusConnection bus = DBusConnectionBuilder.forSessionBus().withShared(false).build();
            DBus daemon = bus.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            boolean running = daemon.NameHasOwner(BUS_NAME);
            boolean activatable = Arrays.asList(daemon.ListActivatableNames()).contains(BUS_NAME);
            if (!running && !activatable) {
                bus.close();
                return Optional.empty();
            }
            return Optional.of(new SecretServiceTokenStore(bus));
        } catch (Exception e) {
            LOG.info("No Secret Service on the session bus: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> load() throws TokenStoreException {
        return call(() -> {
            SecretServiceApi.Service service = service();
            SecretServiceApi.SearchResult found = service.SearchItems(ATTRIBUTES);
            List<DBusPath> items = new ArrayList<>(found.unlocked);
            if (items.isEmpty() && !found.locked.isEmpty()) {
                SecretServiceApi.UnlockResult unlocked = service.Unlock(found.locked);
                if (unlocked.unlocked.isEmpty()) {
                    throw new TokenStoreException("Your keyring is locked, so Flint cannot read your sign-in. "
                            + "Unlock the keyring and start Flint again, or sign in again.");
                }
                items.addAll(unlocked.unlocked);
            }
            if (items.isEmpty()) {
                return Optional.<String>empty();
            }
            DBusPath session = openSession(service);
            try {
                SecretServiceApi.Item item = bus.getRemoteObject(BUS_NAME, items.getFirst().getPath(), SecretServiceApi.Item.class);
                SecretServiceApi.Secret secret = item.GetSecret(session);
                return Optional.of(new String(secret.value, StandardCharsets.UTF_8));
            } finally {
                closeSession(session);
            }
        });
    }

    @Override
    public void save(String token) throws TokenStoreException {
        call(() -> {
            SecretServiceApi.Service service = service();
            DBusPath collectionPath = collection(service);
            SecretServiceApi.UnlockResult u = service.Unlock(List.of(collectionPath));
            if (u.unlocked.isEmpty() && !isNone(u.prompt)) {
                prompt(u.prompt, "unlock your keyring");
            } else if (u.unlocked.isEmpty()) {
                throw new TokenStoreException("Your keyring is locked, so Flint cannot save your sign-in. "
                        + "You will have to sign in again after Flint restarts.");
            }
            DBusPath session = openSession(service);
            try {
                SecretServiceApi.Collection collection = bus.getRemoteObject(BUS_NAME, collectionPath.getPath(),
                        SecretServiceApi.Collection.class);
                Map<String, Variant<?>> props = Map.of(
                        "org.freedesktop.Secret.Item.Label", new Variant<>(LABEL),
                        "org.freedesktop.Secret.Item.Attributes", new Variant<>(ATTRIBUTES, "a{ss}"));
                SecretServiceApi.CreateItemResult r = collection.CreateItem(props, new SecretServiceApi.Secret(session,
                        new byte[0], token.getBytes(StandardCharsets.UTF_8), "text/plain"), true);
                if (r.item.getPath().equals("/")) {
                    throw new TokenStoreException("Your keyring asked for confirmation, so Flint could not save your sign-in. "
                            + "You will have to sign in again after Flint restarts.");
                }
            } finally {
                closeSession(session);
            }
            return null;
        });
    }

    /**
     * Where the token goes: the default collection; else the login keyring (a fresh gnome-keyring has one only
     * once PAM or {@code --unlock} made it); else a new default collection, which the Secret Service creates after
     * asking the user (gnome-keyring's prompter asks for the new keyring's password).
     */
    private DBusPath collection(SecretServiceApi.Service service) throws Exception {
        DBusPath alias = service.ReadAlias("default");
        if (!isNone(alias)) {
            return alias;
        }
        DBusPath login = service.ReadAlias("login");
        if (!isNone(login)) {
            LOG.info("The keyring has no default collection; saving the token in the login collection");
            return login;
        }
        LOG.info("The keyring has no default collection; asking the Secret Service to create one");
        SecretServiceApi.CreateCollectionResult created = service.CreateCollection(
                Map.of("org.freedesktop.Secret.Collection.Label", new Variant<>("Login")), "default");
        if (!isNone(created.collection)) {
            return created.collection;
        }
        Variant<?> result = prompt(created.prompt, "create a keyring");
        if (result != null && result.getValue() instanceof DBusPath path && !isNone(path)) {
            return path;
        }
        DBusPath now = service.ReadAlias("default");
        if (isNone(now)) {
            throw new TokenStoreException("Your keyring did not create a default collection, so Flint cannot save your "
                    + "sign-in. You will have to sign in again after Flint restarts.");
        }
        return now;
    }

    /** Shows the Secret Service's prompt and waits for the user's answer; a dismissal or no answer is a sentence. */
    private Variant<?> prompt(DBusPath path, String what) throws Exception {
        java.util.concurrent.CompletableFuture<SecretServiceApi.Prompt.Completed> done = new java.util.concurrent.CompletableFuture<>();
        org.freedesktop.dbus.interfaces.DBusSigHandler<SecretServiceApi.Prompt.Completed> handler = signal -> {
            if (signal.getPath().equals(path.getPath())) {
                done.complete(signal);
            }
        };
        var registration = bus.addSigHandler(SecretServiceApi.Prompt.Completed.class, handler);
        try {
            bus.getRemoteObject(BUS_NAME, path.getPath(), SecretServiceApi.Prompt.class).Prompt("");
            SecretServiceApi.Prompt.Completed c = done.get(PROMPT_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            if (c.dismissed) {
                throw new TokenStoreException("The keyring's request to " + what + " was dismissed, so Flint keeps "
                        + "your sign-in in memory only; you will have to sign in again after Flint restarts.");
            }
            return c.result;
        } catch (java.util.concurrent.TimeoutException e) {
            try {
                bus.getRemoteObject(BUS_NAME, path.getPath(), SecretServiceApi.Prompt.class).Dismiss();
            } catch (Exception ignored) {
                // it may have gone already
            }
            throw new TokenStoreException("Nobody answered the keyring's request to " + what + " within "
                    + PROMPT_WAIT.toMinutes() + " minutes, so Flint keeps your sign-in in memory only.");
        } finally {
            registration.close();
        }
    }

    private static boolean isNone(DBusPath path) {
        return path == null || path.getPath().equals("/");
    }

    @Override
    public void delete() throws TokenStoreException {
        call(() -> {
            SecretServiceApi.SearchResult found = service().SearchItems(ATTRIBUTES);
            List<DBusPath> all = new ArrayList<>(found.unlocked);
            all.addAll(found.locked);
            for (DBusPath p : all) {
                bus.getRemoteObject(BUS_NAME, p.getPath(), SecretServiceApi.Item.class).Delete();
            }
            return null;
        });
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String name() {
        return "Secret Service";
    }

    private SecretServiceApi.Service service() throws DBusException {
        return bus.getRemoteObject(BUS_NAME, SERVICE_PATH, SecretServiceApi.Service.class);
    }

    private DBusPath openSession(SecretServiceApi.Service service) {
        return service.OpenSession("plain", new Variant<>("")).result;
    }

    private void closeSession(DBusPath session) {
        try {
            bus.getRemoteObject(BUS_NAME, session.getPath(), SecretServiceApi.Session.class).Close();
        } catch (Exception e) {
            LOG.debug("Closing the Secret Service session failed: {}", e.toString());
        }
    }

    private interface Op<T> {
        T run() throws Exception;
    }

    private static <T> T call(Op<T> op) throws TokenStoreException {
        try {
            return op.run();
        } catch (TokenStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new TokenStoreException("Flint could not use your keyring (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ").", e);
        }
    }
}
