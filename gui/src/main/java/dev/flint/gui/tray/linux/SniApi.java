package dev.flint.gui.tray.linux;

import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/** The StatusNotifierItem, StatusNotifierWatcher and dbusmenu D-Bus interfaces, typed for dbus-java. */
public final class SniApi {

    private SniApi() {
    }

    @DBusInterfaceName("org.kde.StatusNotifierItem")
    public interface StatusNotifierItem extends DBusInterface {
        void Activate(int x, int y);

        void SecondaryActivate(int x, int y);

        void ContextMenu(int x, int y);

        void Scroll(int delta, String orientation);

        class NewIcon extends DBusSignal {
            public NewIcon(String path) throws DBusException {
                super(path);
            }
        }

        class NewToolTip extends DBusSignal {
            public NewToolTip(String path) throws DBusException {
                super(path);
            }
        }

        class NewTitle extends DBusSignal {
            public NewTitle(String path) throws DBusException {
                super(path);
            }
        }
    }

    @DBusInterfaceName("org.kde.StatusNotifierWatcher")
    public interface StatusNotifierWatcher extends DBusInterface {
        void RegisterStatusNotifierItem(String service);

        void RegisterStatusNotifierHost(String service);
    }

    @DBusInterfaceName("com.canonical.dbusmenu")
    public interface DBusMenu extends DBusInterface {
        Pair<UInt32, LayoutNode> GetLayout(int parentId, int recursionDepth, List<String> propertyNames);

        List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames);

        Variant<?> GetProperty(int id, String name);

        void Event(int id, String eventId, Variant<?> data, UInt32 timestamp);

        List<Integer> EventGroup(List<MenuEvent> events);

        boolean AboutToShow(int id);

        Pair<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids);

        /** Properties changed in place: the host updates those items without rebuilding (or closing) the menu. */
        class ItemsPropertiesUpdated extends DBusSignal {
            public final List<ItemProperties> updatedProps;
            public final List<ItemRemovedProperties> removedProps;

            public ItemsPropertiesUpdated(String path, List<ItemProperties> updatedProps,
                                          List<ItemRemovedProperties> removedProps) throws DBusException {
                super(path, updatedProps, removedProps);
                this.updatedProps = updatedProps;
                this.removedProps = removedProps;
            }
        }

        class LayoutUpdated extends DBusSignal {
            public final UInt32 revision;
            public final int parent;

            public LayoutUpdated(String path, UInt32 revision, int parent) throws DBusException {
                super(path, revision, parent);
                this.revision = revision;
                this.parent = parent;
            }
        }
    }

    /** (ia{sv}av): one menu node; children are variants holding more nodes. */
    public static final class LayoutNode extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final Map<String, Variant<?>> properties;
        @Position(2)
        public final List<Variant<?>> children;

        public LayoutNode(int id, Map<String, Variant<?>> properties, List<Variant<?>> children) {
            this.id = id;
            this.properties = properties;
            this.children = children;
        }
    }

    /** A two-value D-Bus reply; dbus-java reads the value types from the type arguments. */
    public static final class Pair<A, B> extends Tuple {
        @Position(0)
        public final A first;
        @Position(1)
        public final B second;

        public Pair(A first, B second) {
            this.first = first;
            this.second = second;
        }
    }

    public static final class ItemProperties extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final Map<String, Variant<?>> properties;

        public ItemProperties(int id, Map<String, Variant<?>> properties) {
            this.id = id;
            this.properties = properties;
        }
    }

    /** (ias): an item and the names of properties it no longer has. */
    public static final class ItemRemovedProperties extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final List<String> names;

        public ItemRemovedProperties(int id, List<String> names) {
            this.id = id;
            this.names = names;
        }
    }

    public static final class MenuEvent extends Struct {
        @Position(0)
        public final int id;
        @Position(1)
        public final String eventId;
        @Position(2)
        public final Variant<?> data;
        @Position(3)
        public final UInt32 timestamp;

        public MenuEvent(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            this.id = id;
            this.eventId = eventId;
            this.data = data;
            this.timestamp = timestamp;
        }
    }

    /** (iiay): width, height, ARGB32 pixels in network byte order. */
    public static final class Pixmap extends Struct {
        @Position(0)
        public final int width;
        @Position(1)
        public final int height;
        @Position(2)
        public final byte[] data;

        public Pixmap(int width, int height, byte[] data) {
            this.width = width;
            this.height = height;
            this.data = data;
        }
    }

    /** (sa(iiay)ss): icon name, icon pixmaps, title, description. */
    public static final class ToolTip extends Struct {
        @Position(0)
        public final String iconName;
        @Position(1)
        public final List<Pixmap> icon;
        @Position(2)
        public final String title;
        @Position(3)
        public final String description;

        public ToolTip(String iconName, List<Pixmap> icon, String title, String description) {
            this.iconName = iconName;
            this.icon = icon;
            this.title = title;
            this.description = description;
        }
    }

    static DBusPath path(String p) {
        return new DBusPath(p);
    }
}
