package dev.flint.gui.tray.linux;

import dev.flint.gui.tray.MenuAction;
import dev.flint.gui.tray.MenuItem;
import dev.flint.gui.tray.TrayBackend;
import dev.flint.gui.tray.TrayIconRenderer;
import dev.flint.gui.tray.TrayIconState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flint's tray icon as a StatusNotifierItem ({@code /StatusNotifierItem}) with its menu exported as
 * {@code com.canonical.dbusmenu} ({@code /MenuBar}). The menu is re-sent only when it changed, so an
 * open menu is not closed by a state update that changes nothing visible.
 */
public final class SniTray implements TrayBackend {

    private static final Logger LOG = LoggerFactory.getLogger(SniTray.class);
    public static final String WATCHER = "org.kde.StatusNotifierWatcher";
    static final String ITEM_PATH = "/StatusNotifierItem";
    static final String MENU_PATH = "/MenuBar";
    static final String ITEM_IFACE = "org.kde.StatusNotifierItem";
    static final String MENU_IFACE = "com.canonical.dbusmenu";

    private final DBusConnection bus;
    private final Consumer<MenuAction> clicks;
    private final Runnable activate;
    private final String busName;
    private final Item item = new Item();
    private final Menu menu = new Menu();

    private volatile List<MenuItem> currentMenu = List.of();
    private volatile MenuTree tree = MenuTree.empty();
    private volatile Map<Integer, MenuItem.Item> actions = Map.of();
    private volatile int revision;
    private volatile TrayIconState currentIcon;
    private volatile List<SniApi.Pixmap> pixmaps = List.of();
    private volatile String tooltip = "Flint";

    private SniTray(DBusConnection bus, Consumer<MenuAction> clicks, Runnable activate) {
        this.bus = bus;
        this.clicks = clicks;
        this.activate = activate;
        this.busName = "org.kde.StatusNotifierItem-" + ProcessHandle.current().pid() + "-1";
    }

    /** Whether a StatusNotifierWatcher (a tray host) is on this bus. */
    public static boolean available(DBusConnection bus) {
        try {
            return bus.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class).NameHasOwner(WATCHER);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Exports the item and menu and registers with the watcher.
     *
     * @param activate what a left click on the icon does (open the window)
     */
    public static SniTray start(DBusConnection bus, Consumer<MenuAction> clicks, Runnable activate) throws DBusException {
        return start(bus, clicks, activate, List.of(), null, "Flint");
    }

    /** As {@link #start(DBusConnection, Consumer, Runnable)}, with a first icon and menu ready before the host asks. */
    public static SniTray start(DBusConnection bus, Consumer<MenuAction> clicks, Runnable activate, List<MenuItem> menu,
                                TrayIconState icon, String tooltip) throws DBusException {
        SniTray t = new SniTray(bus, clicks, activate);
        if (icon != null) {
            t.show(menu, icon, tooltip);
        }
        bus.exportObject(ITEM_PATH, t.item);
        bus.exportObject(MENU_PATH, t.menu);
        bus.requestBusName(t.busName);
        bus.getRemoteObject(WATCHER, "/StatusNotifierWatcher", SniApi.StatusNotifierWatcher.class)
                .RegisterStatusNotifierItem(t.busName);
        return t;
    }

    public String busName() {
        return busName;
    }

    @Override
    public String name() {
        return "StatusNotifierItem";
    }

    @Override
    public synchronized void show(List<MenuItem> newMenu, TrayIconState icon, String newTooltip) {
        if (!icon.equals(currentIcon)) {
            currentIcon = icon;
            List<SniApi.Pixmap> px = new ArrayList<>();
            for (int size : new int[] {32, 64}) {
                px.add(new SniApi.Pixmap(size, size, TrayIconRenderer.argb32(TrayIconRenderer.render(icon, size))));
            }
            pixmaps = px;
            signal(() -> new SniApi.StatusNotifierItem.NewIcon(ITEM_PATH));
        }
        if (!newTooltip.equals(tooltip)) {
            tooltip = newTooltip;
            signal(() -> new SniApi.StatusNotifierItem.NewToolTip(ITEM_PATH));
        }
        if (!newMenu.equals(currentMenu)) {
            currentMenu = newMenu;
            MenuTree next = tree.next(newMenu);
            MenuTree.Diff diff = tree.diff(next);
            tree = next;
            actions = next.actions();
            // In place: changed properties first, then a new layout only for the submenus whose items changed,
            // so an open menu stays open while statuses and round trips change.
            if (!diff.updated().isEmpty() || !diff.removed().isEmpty()) {
                List<SniApi.ItemProperties> updated = new ArrayList<>();
                diff.updated().forEach((id, props) -> updated.add(new SniApi.ItemProperties(id, props)));
                List<SniApi.ItemRemovedProperties> removed = new ArrayList<>();
                diff.removed().forEach((id, names) -> removed.add(new SniApi.ItemRemovedProperties(id, names)));
                signal(() -> new SniApi.DBusMenu.ItemsPropertiesUpdated(MENU_PATH, updated, removed));
            }
            if (!diff.relaidOut().isEmpty()) {
                revision++;
                int rev = revision;
                for (int parent : diff.relaidOut()) {
                    signal(() -> new SniApi.DBusMenu.LayoutUpdated(MENU_PATH, new UInt32(rev), parent));
                }
            }
        }
    }

    /** dbusmenu treats "_" as a mnemonic marker; a literal underscore is doubled. */
    static String escape(String label) {
        return MenuTree.escape(label);
    }

    private interface SignalFactory {
        org.freedesktop.dbus.messages.DBusSignal create() throws DBusException;
    }

    private void signal(SignalFactory s) {
        try {
            bus.sendMessage(s.create());
        } catch (DBusException e) {
            LOG.warn("Tray signal not sent: {}", e.toString());
        }
    }

    private static <T> T unchecked(Object o) {
        @SuppressWarnings("unchecked")
        T t = (T) o;
        return t;
    }

    @Override
    public void close() {
        try {
            bus.unExportObject(ITEM_PATH);
            bus.unExportObject(MENU_PATH);
            bus.releaseBusName(busName);
        } catch (Exception e) {
            LOG.debug("Closing the tray: {}", e.toString());
        }
    }

    /** The exported {@code org.kde.StatusNotifierItem}. */
    final class Item implements SniApi.StatusNotifierItem, Properties {
        @Override
        public String getObjectPath() {
            return ITEM_PATH;
        }

        @Override
        public void Activate(int x, int y) {
            activate.run();
        }

        @Override
        public void SecondaryActivate(int x, int y) {
            activate.run();
        }

        @Override
        public void ContextMenu(int x, int y) {
            // the host shows the dbusmenu itself
        }

        @Override
        public void Scroll(int delta, String orientation) {
        }

        @Override
        public <A> A Get(String iface, String prop) {
            Variant<?> v = GetAll(iface).get(prop);
            if (v == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("No such property " + prop);
            }
            return unchecked(v.getValue());
        }

        @Override
        public <A> void Set(String iface, String prop, A value) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("Properties are read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            Map<String, Variant<?>> m = new LinkedHashMap<>();
            m.put("Category", new Variant<>("ApplicationStatus"));
            m.put("Id", new Variant<>("dev.flint.client"));
            m.put("Title", new Variant<>("Flint"));
            m.put("Status", new Variant<>("Active"));
            m.put("WindowId", new Variant<>(0));
            m.put("IconName", new Variant<>(""));
            m.put("IconPixmap", new Variant<>(pixmaps, "a(iiay)"));
            m.put("OverlayIconName", new Variant<>(""));
            m.put("AttentionIconName", new Variant<>(""));
            m.put("ToolTip", new Variant<>(new SniApi.ToolTip("", List.of(), "Flint", tooltip), "(sa(iiay)ss)"));
            m.put("ItemIsMenu", new Variant<>(false));
            m.put("Menu", new Variant<>(new DBusPath(MENU_PATH)));
            return m;
        }
    }

    /** The exported {@code com.canonical.dbusmenu}. */
    final class Menu implements SniApi.DBusMenu, Properties {
        @Override
        public String getObjectPath() {
            return MENU_PATH;
        }

        @Override
        public SniApi.Pair<UInt32, SniApi.LayoutNode> GetLayout(int parentId, int recursionDepth, List<String> propertyNames) {
            MenuTree current = tree;
            MenuTree.Node found = current.node(parentId);
            if (found == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("No menu item " + parentId);
            }
            return new SniApi.Pair<>(new UInt32(revision), MenuTree.layout(found));
        }

        @Override
        public List<SniApi.ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames) {
            MenuTree current = tree;
            List<SniApi.ItemProperties> out = new ArrayList<>();
            for (int id : ids) {
                MenuTree.Node n = current.node(id);
                if (n != null) {
                    out.add(new SniApi.ItemProperties(n.id(), n.props()));
                }
            }
            return out;
        }

        @Override
        public Variant<?> GetProperty(int id, String name) {
            MenuTree.Node n = tree.node(id);
            Variant<?> v = n == null ? null : n.props().get(name);
            if (v == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("No property " + name);
            }
            return v;
        }

        @Override
        public void Event(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            if (!"clicked".equals(eventId)) {
                return;
            }
            MenuItem.Item it = actions.get(id);
            if (it == null || it.action().isEmpty()) {
                LOG.debug("Click on menu item {} without an action", id);
                return;
            }
            clicks.accept(it.action().get());
        }

        @Override
        public List<Integer> EventGroup(List<SniApi.MenuEvent> events) {
            for (SniApi.MenuEvent e : events) {
                Event(e.id, e.eventId, e.data, e.timestamp);
            }
            return List.of();
        }

        @Override
        public boolean AboutToShow(int id) {
            return false;
        }

        @Override
        public SniApi.Pair<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids) {
            return new SniApi.Pair<>(List.of(), List.of());
        }

        @Override
        public <A> A Get(String iface, String prop) {
            Variant<?> v = GetAll(iface).get(prop);
            if (v == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("No such property " + prop);
            }
            return unchecked(v.getValue());
        }

        @Override
        public <A> void Set(String iface, String prop, A value) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("Properties are read-only");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return Map.of("Version", new Variant<>(new UInt32(3)), "TextDirection", new Variant<>("ltr"),
                    "Status", new Variant<>("normal"), "IconThemePath", new Variant<>(List.of(), "as"));
        }
    }

    static SniApi.LayoutNode asNode(Variant<?> v) {
        return (SniApi.LayoutNode) v.getValue();
    }
}
