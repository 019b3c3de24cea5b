package dev.flint.gui.tray;

import java.util.List;
import java.util.Optional;

/** One entry of the tray menu: a clickable or disabled item, a separator, or a submenu. */
public sealed interface MenuItem {

    /** The coloured dot shown before a site status. */
    enum Dot { GREEN, RED, GREY }

    /**
     * @param action empty for a disabled (informational) item
     * @param checked empty for a plain item, present for a check item
     */
    record Item(String label, Optional<MenuAction> action, Optional<Boolean> checked, Optional<Dot> dot) implements MenuItem {
        public boolean enabled() {
            return action.isPresent();
        }
    }

    record Separator() implements MenuItem {
    }

    record Submenu(String label, List<MenuItem> children) implements MenuItem {
        public Submenu {
            children = List.copyOf(children);
        }
    }

    static Item disabled(String label) {
        return new Item(label, Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Item action(String label, MenuAction action) {
        return new Item(label, Optional.of(action), Optional.empty(), Optional.empty());
    }

    /** An enabled item whose click copies its own label. */
    static Item copyable(String label) {
        return action(label, new MenuAction.Copy(label));
    }

    static Item check(String label, boolean checked, MenuAction action) {
        return new Item(label, Optional.of(action), Optional.of(checked), Optional.empty());
    }

    static Separator separator() {
        return new Separator();
    }

    /** The label as shown, for tests and logs. */
    default String label() {
        return switch (this) {
            case Item i -> i.label();
            case Separator s -> "---";
            case Submenu m -> m.label();
        };
    }
}
