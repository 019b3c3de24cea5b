package dev.flint.gui.token.linux;

import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/** The part of the Secret Service D-Bus API Flint uses (spec 0.2), typed for dbus-java. */
public final class SecretServiceApi {

    private SecretServiceApi() {
    }

    @DBusInterfaceName("org.freedesktop.Secret.Service")
    public interface Service extends DBusInterface {
        OpenSessionResult OpenSession(String algorithm, Variant<?> input);

        SearchResult SearchItems(Map<String, String> attributes);

        UnlockResult Unlock(List<DBusPath> objects);

        DBusPath ReadAlias(String name);

        void SetAlias(String name, DBusPath collection);

        CreateCollectionResult CreateCollection(Map<String, Variant<?>> properties, String alias);
    }

    /** A request the Secret Service needs the user for (create or unlock a keyring); it answers with Completed. */
    @DBusInterfaceName("org.freedesktop.Secret.Prompt")
    public interface Prompt extends DBusInterface {
        void Prompt(String windowId);

        void Dismiss();

        class Completed extends org.freedesktop.dbus.messages.DBusSignal {
            public final boolean dismissed;
            public final Variant<?> result;

            public Completed(String path, boolean dismissed, Variant<?> result)
                    throws org.freedesktop.dbus.exceptions.DBusException {
                super(path, dismissed, result);
                this.dismissed = dismissed;
                this.result = result;
            }
        }
    }

    @DBusInterfaceName("org.freedesktop.Secret.Collection")
    public interface Collection extends DBusInterface {
        CreateItemResult CreateItem(Map<String, Variant<?>> properties, Secret secret, boolean replace);
    }

    @DBusInterfaceName("org.freedesktop.Secret.Item")
    public interface Item extends DBusInterface {
        Secret GetSecret(DBusPath session);

        DBusPath Delete();
    }

    @DBusInterfaceName("org.freedesktop.Secret.Session")
    public interface Session extends DBusInterface {
        void Close();
    }

    /** (oayays): session, algorithm parameters, value, content type. */
    public static final class Secret extends Struct {
        @Position(0)
        public final DBusPath session;
        @Position(1)
        public final byte[] parameters;
        @Position(2)
        public final byte[] value;
        @Position(3)
        public final String contentType;

        public Secret(DBusPath session, byte[] parameters, byte[] value, String contentType) {
            this.session = session;
            this.parameters = parameters;
            this.value = value;
            this.contentType = contentType;
        }
    }

    public static final class OpenSessionResult extends Tuple {
        @Position(0)
        public final Variant<?> output;
        @Position(1)
        public final DBusPath result;

        public OpenSessionResult(Variant<?> output, DBusPath result) {
            this.output = output;
            this.result = result;
        }
    }

    public static final class SearchResult extends Tuple {
        @Position(0)
        public final List<DBusPath> unlocked;
        @Position(1)
        public final List<DBusPath> locked;

        public SearchResult(List<DBusPath> unlocked, List<DBusPath> locked) {
            this.unlocked = unlocked;
            this.locked = locked;
        }
    }

    public static final class UnlockResult extends Tuple {
        @Position(0)
        public final List<DBusPath> unlocked;
        @Position(1)
        public final DBusPath prompt;

        public UnlockResult(List<DBusPath> unlocked, DBusPath prompt) {
            this.unlocked = unlocked;
            this.prompt = prompt;
        }
    }

    public static final class CreateCollectionResult extends Tuple {
        @Position(0)
        public final DBusPath collection;
        @Position(1)
        public final DBusPath prompt;

        public CreateCollectionResult(DBusPath collection, DBusPath prompt) {
            this.collection = collection;
            this.prompt = prompt;
        }
    }

    public static final class CreateItemResult extends Tuple {
        @Position(0)
        public final DBusPath item;
        @Position(1)
        public final DBusPath prompt;

        public CreateItemResult(DBusPath item, DBusPath prompt) {
            this.item = item;
            this.prompt = prompt;
        }
    }
}
