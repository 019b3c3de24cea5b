package dev.flint.gui.tray.linux;

import dev.flint.gui.tray.MenuAction;
import dev.flint.gui.tray.MenuItem;
import dev.flint.gui.tray.TrayBackend;
import dev.flint.gui.tray.TrayIconRenderer;
import dev.flint.gui.tray.TrayIconState;
import dev.flint.icons.Icon;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private volatile Map<Integer, MenuItem.Item> actions = Map.of();
    private volatile SniApi.LayoutNode layout = new SniApi.LayoutNode(0, Map.of(), List.of());
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
        SniTray t = new SniTray(bus, clicks, activate);
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
            Map<Integer, MenuItem.Item> ids = new HashMap<>();
            int[] next = {1};
            List<Variant<?>> children = new ArrayList<>();
            for (MenuItem m : newMenu) {
                children.add(node(m, ids, next));
            }
            layout = new SniApi.LayoutNode(0, Map.of("children-display", new Variant<>("submenu")), children);
            actions = Map.copyOf(ids);
            revision++;
            int rev = revision;
            signal(() -> new SniApi.DBusMenu.LayoutUpdated(MENU_PATH, new UInt32(rev), 0));
        }
    }

    private Variant<?> node(MenuItem m, Map<Integer, MenuItem.Item> ids, int[] next) {
        int id = next[0]++;
        Map<String, Variant<?>> props = new LinkedHashMap<>();
        List<Variant<?>> children = new ArrayList<>();
        switch (m) {
            case MenuItem.Separator s -> props.put("type", new Variant<>("separator"));
            case MenuItem.Submenu sub -> {
                props.put("label", new Variant<>(escape(sub.label())));
                props.put("children-display", new Variant<>("submenu"));
                for (MenuItem c : sub.children()) {
                    children.add(node(c, ids, next));
                }
            }
            case MenuItem.Item it -> {
                props.put("label", new Variant<>(escape(it.label())));
                if (!it.enabled()) {
                    props.put("enabled", new Variant<>(false));
                }
                it.checked().ifPresent(c -> {
                    props.put("toggle-type", new Variant<>("checkmark"));
                    props.put("toggle-state", new Variant<>(c ? 1 : 0));
                });
                it.dot().ifPresent(d -> props.put("icon-data", new Variant<>(switch (d) {
                    case GREEN -> Icon.STATUS_ONLINE.png(16);
                    case RED -> Icon.STATUS_OFFLINE.png(16);
                    case GREY -> Icon.STATUS_UNKNOWN.png(16);
                }, "ay")));
                ids.put(id, it);
            }
        }
        return new Variant<>(new SniApi.LayoutNode(id, props, children), "(ia{sv}av)");
    }

    /** dbusmenu treats "_" as a mnemonic marker; a literal underscore is doubled. */
    static String escape(String label) {
        return label.replace("_", "__");
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
            SniApi.LayoutNode root = layout;
            SniApi.LayoutNode found = parentId == 0 ? root : find(root, parentId).orElse(null);
            if (found == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("No menu item " + parentId);
            }
            return new SniApi.Pair<>(new UInt32(revision), found);
        }

        private Optional<SniApi.LayoutNode> find(SniApi.LayoutNode n, int id) {
            for (Variant<?> v : n.children) {
                SniApi.LayoutNode c = asNode(v);
                if (c.id == id) {
                    return Optional.of(c);
                }
                Optional<SniApi.LayoutNode> deeper = find(c, id);
                if (deeper.isPresent()) {
                    return deeper;
                }
            }
            return Optional.empty();
        }

        @Override
        public List<SniApi.ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames) {
            List<SniApi.ItemProperties> out = new ArrayList<>();
            for (int id : ids) {
                (id == 0 ? Optional.of(layout) : find(layout, id)).ifPresent(n -> out.add(new SniApi.ItemProperties(n.id, n.properties)));
            }
            return out;
        }

        @Override
        public Variant<?> GetProperty(int id, String name) {
            return find(layout, id).map(n -> n.properties.get(name))
                    .orElseThrow(() -> new org.freedesktop.dbus.exceptions.DBusExecutionException("No property " + name));
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
