package dev.flint.gui.tray.linux;

import dev.flint.gui.tray.MenuItem;
import dev.flint.icons.Icon;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.freedesktop.dbus.types.Variant;

/**
 * The dbusmenu form of the tray menu, with ids that stay the same across updates: an item keeps its id when the
 * new menu has an item of the same kind with the same label under the same parent, or else at the same place;
 * an id is never reused for another kind of item (separator, submenu, item).
 * {@link #diff} then says which items only changed properties (sent as {@code ItemsPropertiesUpdated}, which a
 * host applies to an open menu) and which submenus changed their children (sent as {@code LayoutUpdated} for
 * that submenu only). Firezone's Linux tray re-sent the whole menu on every update, which closed an open menu
 * (firezone#6054).
 */
final class MenuTree {

    /** One dbusmenu item; {@code item} is the clickable entry for actions, null for separators and submenus. */
    record Node(int id, String kind, String label, Map<String, Variant<?>> props, List<Node> children, MenuItem.Item item) {
    }

    /** What changed from one tree to the next. */
    record Diff(Map<Integer, Map<String, Variant<?>>> updated, Map<Integer, List<String>> removed, Set<Integer> relaidOut) {
        boolean empty() {
            return updated.isEmpty() && removed.isEmpty() && relaidOut.isEmpty();
        }
    }

    private final Node root;
    private final Map<Integer, Node> byId;
    private final int nextId;

    private MenuTree(Node root, int nextId) {
        this.root = root;
        this.nextId = nextId;
        Map<Integer, Node> ids = new HashMap<>();
        index(root, ids);
        this.byId = Map.copyOf(ids);
    }

    static MenuTree empty() {
        return new MenuTree(new Node(0, "root", "", rootProps(), List.of(), null), 1);
    }

    Node root() {
        return root;
    }

    Node node(int id) {
        return byId.get(id);
    }

    /** The clickable items by id. */
    Map<Integer, MenuItem.Item> actions() {
        Map<Integer, MenuItem.Item> out = new HashMap<>();
        byId.values().stream().filter(n -> n.item() != null).forEach(n -> out.put(n.id(), n.item()));
        return out;
    }

    /** The tree for {@code menu}, reusing this tree's ids where the items match. */
    MenuTree next(List<MenuItem> menu) {
        int[] next = {nextId};
        List<Node> children = children(root.children(), menu, next);
        return new MenuTree(new Node(0, "root", "", rootProps(), children, null), next[0]);
    }

    private static Map<String, Variant<?>> rootProps() {
        return Map.of("children-display", new Variant<>("submenu"));
    }

    private static List<Node> children(List<Node> old, List<MenuItem> items, int[] next) {
        Node[] match = new Node[items.size()];
        Set<Integer> used = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            for (int j = 0; j < old.size(); j++) {
                if (!used.contains(j) && sameKind(old.get(j), items.get(i)) && old.get(j).label().equals(label(items.get(i)))) {
                    match[i] = old.get(j);
                    used.add(j);
                    break;
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            if (match[i] == null && i < old.size() && !used.contains(i) && sameKind(old.get(i), items.get(i))) {
                match[i] = old.get(i);
                used.add(i);
            }
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(node(items.get(i), match[i], next));
        }
        return out;
    }

    private static Node node(MenuItem m, Node old, int[] next) {
        int id = old != null ? old.id() : next[0]++;
        Map<String, Variant<?>> props = new LinkedHashMap<>();
        List<Node> children = List.of();
        MenuItem.Item action = null;
        switch (m) {
            // A separator never takes over an id that was a normal item (ids match only within a kind): libdbusmenu
            // (xfce4-panel) keeps the widget it made for an id and only updates its properties, so a separator
            // given a former item's id was drawn as an empty item, the grey bar seen above "About Flint".
            case MenuItem.Separator s -> props.put("type", new Variant<>("separator"));
            case MenuItem.Submenu sub -> {
                props.put("label", new Variant<>(escape(sub.label())));
                props.put("children-display", new Variant<>("submenu"));
                children = children(old == null ? List.of() : old.children(), sub.children(), next);
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
                action = it;
            }
        }
        return new Node(id, kind(m), label(m), props, children, action);
    }

    private static boolean sameKind(Node n, MenuItem m) {
        return n.kind().equals(kind(m));
    }

    private static String kind(MenuItem m) {
        return switch (m) {
            case MenuItem.Separator s -> "separator";
            case MenuItem.Submenu s -> "submenu";
            case MenuItem.Item i -> "item";
        };
    }

    private static String label(MenuItem m) {
        return switch (m) {
            case MenuItem.Separator s -> "";
            case MenuItem.Submenu s -> s.label();
            case MenuItem.Item i -> i.label();
        };
    }

    /** dbusmenu treats "_" as a mnemonic marker; a literal underscore is doubled. */
    static String escape(String label) {
        return label.replace("_", "__");
    }

    /** What a host must be told to get from this tree to {@code next}. */
    Diff diff(MenuTree next) {
        Map<Integer, Map<String, Variant<?>>> updated = new LinkedHashMap<>();
        Map<Integer, List<String>> removed = new LinkedHashMap<>();
        Set<Integer> relaidOut = new LinkedHashSet<>();
        for (Node after : next.byId.values().stream().sorted(java.util.Comparator.comparingInt(Node::id)).toList()) {
            Node before = byId.get(after.id());
            if (before == null) {
                continue; // new items arrive with their parent's layout
            }
            Map<String, Variant<?>> changed = new LinkedHashMap<>();
            after.props().forEach((k, v) -> {
                if (!sameValue(v, before.props().get(k))) {
                    changed.put(k, v);
                }
            });
            if (!changed.isEmpty()) {
                updated.put(after.id(), changed);
            }
            List<String> gone = before.props().keySet().stream().filter(k -> !after.props().containsKey(k)).toList();
            if (!gone.isEmpty()) {
                removed.put(after.id(), gone);
            }
            if (!ids(before.children()).equals(ids(after.children()))) {
                relaidOut.add(after.id());
            }
        }
        return new Diff(updated, removed, relaidOut);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static boolean sameValue(Variant<?> a, Variant<?> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.getValue() instanceof byte[] x && b.getValue() instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a.getValue(), b.getValue());
    }

    private static void index(Node n, Map<Integer, Node> out) {
        out.put(n.id(), n);
        n.children().forEach(c -> index(c, out));
    }

    /** The dbus-java struct of a node and everything under it. */
    static SniApi.LayoutNode layout(Node n) {
        List<Variant<?>> children = new ArrayList<>();
        for (Node c : n.children()) {
            children.add(new Variant<>(layout(c), "(ia{sv}av)"));
        }
        return new SniApi.LayoutNode(n.id(), n.props(), children);
    }
}
