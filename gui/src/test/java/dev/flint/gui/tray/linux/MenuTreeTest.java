package dev.flint.gui.tray.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.tray.MenuAction;
import dev.flint.gui.tray.MenuItem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MenuTreeTest {
    static final MenuItem ABOUT = MenuItem.action("About Flint", new MenuAction.Send(new ControllerEvent.Quit()));

    static Map<Integer, String> kinds(MenuTree t) {
        Map<Integer, String> out = new HashMap<>();
        collect(t.root(), out);
        return out;
    }

    static void collect(MenuTree.Node n, Map<Integer, String> out) {
        out.put(n.id(), n.kind());
        n.children().forEach(c -> collect(c, out));
    }

    @Test
    void anIdNeverChangesKindSoASeparatorIsNeverDrawnAsAFormerItem() {
        MenuTree waiting = MenuTree.empty().next(List.of(MenuItem.disabled("Waiting for browser..."),
                MenuItem.action("Cancel sign-in", new MenuAction.Send(new ControllerEvent.CancelSignIn())),
                MenuItem.separator(), ABOUT));
        MenuTree signedOut = waiting.next(List.of(MenuItem.action("Sign In", new MenuAction.Send(new ControllerEvent.SignIn())),
                MenuItem.separator(), ABOUT));
        Map<Integer, String> before = kinds(waiting);
        kinds(signedOut).forEach((id, kind) -> {
            if (before.containsKey(id)) {
                assertThat(kind).as("kind of id %d", id).isEqualTo(before.get(id));
            }
        });
        List<MenuTree.Node> b = waiting.root().children();
        List<MenuTree.Node> a = signedOut.root().children();
        assertThat(a.get(1).id()).isEqualTo(b.get(2).id()); // the separator keeps its own id
        assertThat(a.get(2).id()).isEqualTo(b.get(3).id()); // About keeps its id (same label)

        MenuTree.Diff diff = waiting.diff(signedOut);
        assertThat(diff.relaidOut()).containsExactly(0); // "Cancel sign-in" left the top level
        assertThat(diff.updated().get(a.get(0).id()).get("label").getValue()).isEqualTo("Sign In");
        assertThat(diff.removed().get(a.get(0).id())).containsExactly("enabled");
    }

    @Test
    void aChangedLabelIsAPropertyUpdateWithoutANewLayout() {
        MenuTree one = MenuTree.empty().next(List.of(new MenuItem.Submenu("Web", List.of(MenuItem.copyable("Online \u00b7 direct \u00b7 12 ms")))));
        MenuTree two = one.next(List.of(new MenuItem.Submenu("Web", List.of(MenuItem.copyable("Online \u00b7 direct \u00b7 14 ms")))));
        MenuTree.Diff diff = one.diff(two);
        assertThat(diff.relaidOut()).isEmpty();
        assertThat(diff.updated()).hasSize(1);
        assertThat(one.diff(one.next(List.of(new MenuItem.Submenu("Web", List.of(MenuItem.copyable("Online \u00b7 direct \u00b7 12 ms")))))).empty()).isTrue();
        assertThat(two.actions().values()).extracting(MenuItem.Item::label).containsExactly("Online \u00b7 direct \u00b7 14 ms");
    }
}
