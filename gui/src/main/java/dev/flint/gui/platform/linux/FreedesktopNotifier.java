package dev.flint.gui.platform.linux;

import dev.flint.gui.platform.Notifier;
import dev.flint.gui.platform.UrlOpener;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code org.freedesktop.Notifications} on the session bus. Clickable notifications carry the
 * {@code default} action; its {@code ActionInvoked} signal opens the URL.
 */
public final class FreedesktopNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(FreedesktopNotifier.class);
    static final String BUS_NAME = "org.freedesktop.Notifications";
    static final String PATH = "/org/freedesktop/Notifications";

    @DBusInterfaceName("org.freedesktop.Notifications")
    public interface Notifications extends DBusInterface {
        UInt32 Notify(String appName, UInt32 replacesId, String appIcon, String summary, String body,
                      String[] actions, Map<String, Variant<?>> hints, int expireTimeout);

        /** Emitted when the user clicks an action. */
        class ActionInvoked extends DBusSignal {
            public final UInt32 id;
            public final String actionKey;

            public ActionInvoked(String path, UInt32 id, String actionKey) throws DBusException {
                super(path, id, actionKey);
                this.id = id;
                this.actionKey = actionKey;
            }
        }
    }

    private final DBusConnection bus;
    private final UrlOpener opener;
    private final Map<Long, URI> clickable = new ConcurrentHashMap<>();

    public FreedesktopNotifier(DBusConnection bus, UrlOpener opener) throws DBusException {
        this.bus = bus;
        this.opener = opener;
        bus.addSigHandler(Notifications.ActionInvoked.class, s -> {
            URI url = clickable.remove(s.id.longValue());
            if (url != null && "default".equals(s.actionKey)) {
                try {
                    opener.open(url);
                } catch (Exception e) {
                    LOG.warn("Opening {} from a notification failed: {}", url, e.toString());
                }
            }
        });
    }

    @Override
    public void notify(String title, String body, Optional<URI> click) {
        try {
            Notifications n = bus.getRemoteObject(BUS_NAME, PATH, Notifications.class);
            String[] actions = click.isPresent() ? new String[] {"default", "Open"} : new String[0];
            UInt32 id = n.Notify("Flint", new UInt32(0), "", title, body, actions, Map.of(), -1);
            click.ifPresent(u -> clickable.put(id.longValue(), u));
        } catch (Exception e) {
            LOG.info("Notification not shown ({}): {} - {}", e.toString(), title, body);
        }
    }
}
