package dev.flint.gui.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.testing.PrivateSessionBus;
import dev.flint.gui.tray.linux.SniApi;
import dev.flint.gui.tray.linux.SniTray;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.Site;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StatusNotifierItem tray on a private session bus, read the way a panel reads it: a test
 * StatusNotifierWatcher receives the registration, then the "host" reads properties, fetches the
 * menu with dbusmenu {@code GetLayout} and clicks items with {@code Event}.
 */
class SniTrayTest {

    @TempDir
    Path home;

    /** The watcher a desktop panel would run. */
    static final class TestWatcher implements SniApi.StatusNotifierWatcher {
        final List<String> items = new CopyOnWriteArrayList<>();

        @Override
        public void RegisterStatusNotifierItem(String service) {
            items.add(service);
        }

        @Override
        public void RegisterStatusNotifierHost(String service) {
        }

        @Override
        public String getObjectPath() {
            return "/StatusNotifierWatcher";
        }
    }

    record Node(int id, Map<String, Variant<?>> props, List<Node> children) {
        String label() {
            Variant<?> v = props.get("label");
            return v == null ? (props.containsKey("type") ? "---" : "") : (String) v.getValue();
        }

        boolean enabled() {
            Variant<?> v = props.get("enabled");
            return v == null || (Boolean) v.getValue();
        }

        Node find(String label) {
            return children.stream().filter(c -> c.label().equals(label)).findFirst()
                    .orElseThrow(() -> new AssertionError("no item " + label + " in " + children.stream().map(Node::label).toList()));
        }
    }

    static Node convert(Object o) {
        SniApi.LayoutNode n;
        if (o instanceof SniApi.LayoutNode ln) {
            n = ln;
        } else {
            Object[] parts = (Object[]) o;
            @SuppressWarnings("unchecked")
            var props = (Map<String, Variant<?>>) parts[1];
            @SuppressWarnings("unchecked")
            var kids = (List<Variant<?>>) parts[2];
            n = new SniApi.LayoutNode((Integer) parts[0], props, kids);
        }
        List<Node> children = new ArrayList<>();
        for (Variant<?> v : n.children) {
            children.add(convert(v.getValue()));
        }
        return new Node(n.id, n.properties, children);
    }

    static String render(Node n, String indent) {
        StringBuilder sb = new StringBuilder();
        for (Node c : n.children()) {
            sb.append(indent).append(c.enabled() ? "" : "(disabled) ").append(c.label())
                    .append(c.children().isEmpty() ? "" : " >").append('\n');
            sb.append(render(c, indent + "  "));
        }
        return sb.toString();
    }

    static UiState state(Phase phase, List<ResourceView> resources) {
        return new UiState(phase, phase == Phase.SIGNED_IN ? Optional.of("Ada_L") : Optional.empty(), Optional.of("acme"),
                resources, List.of(), GeneralSettings.defaults(), AdvancedSettings.defaults(), ManagedSettings.none(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void panelReadsTheMenuAndClicksItems() throws Exception {
        try (PrivateSessionBus bus = PrivateSessionBus.start(home);
             DBusConnection panel = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
             DBusConnection app = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build()) {
            assertThat(SniTray.available(app)).isFalse();
            TestWatcher watcher = new TestWatcher();
            panel.exportObject(watcher.getObjectPath(), watcher);
            panel.requestBusName(SniTray.WATCHER);
            assertThat(SniTray.available(app)).isTrue();

            List<MenuAction> clicks = new CopyOnWriteArrayList<>();
            List<String> activations = new CopyOnWriteArrayList<>();
            TrayMenu menu = new TrayMenu("linux");
            try (SniTray tray = SniTray.start(app, clicks::add, () -> activations.add("activate"))) {
                var signedOut = state(Phase.SIGNED_OUT, List.of());
                tray.show(menu.build(signedOut), TrayIconState.of(signedOut), TrayIconState.tooltip(signedOut));
                assertThat(watcher.items).containsExactly(tray.busName());

                // Properties as a panel reads them.
                Properties props = panel.getRemoteObject(tray.busName(), "/StatusNotifierItem", Properties.class);
                assertThat((String) props.Get("org.kde.StatusNotifierItem", "Title")).isEqualTo("Flint");
                assertThat((String) props.Get("org.kde.StatusNotifierItem", "Status")).isEqualTo("Active");
                DBusPath menuPath = props.Get("org.kde.StatusNotifierItem", "Menu");
                assertThat(menuPath.getPath()).isEqualTo("/MenuBar");
                Map<String, Variant<?>> all = props.GetAll("org.kde.StatusNotifierItem");
                assertThat(all.get("IconPixmap").getSig()).isEqualTo("a(iiay)");

                SniApi.StatusNotifierItem item = panel.getRemoteObject(tray.busName(), "/StatusNotifierItem", SniApi.StatusNotifierItem.class);
                item.Activate(10, 20);
                assertThat(activations).containsExactly("activate");

                SniApi.DBusMenu dbusMenu = panel.getRemoteObject(tray.busName(), menuPath.getPath(), SniApi.DBusMenu.class);
                var reply = dbusMenu.GetLayout(0, -1, List.of());
                Node root = convert(reply.second);
                assertThat(render(root, "")).isEqualTo("""
                        Sign In
                        ---
                        About Flint
                        Admin Portal...
                        Help >
                          Documentation...
                          Support...
                        Settings
                        ---
                        Quit Flint
                        """);
                dbusMenu.Event(root.find("Sign In").id(), "clicked", new Variant<>(""), new UInt32(0));
                dbusMenu.Event(root.find("Help").find("Documentation...").id(), "clicked", new Variant<>(0), new UInt32(0));
                assertThat(clicks).containsExactly(new MenuAction.Send(new ControllerEvent.SignIn()),
                        new MenuAction.Open(menu.documentationUrl()));

                // Signed in: resources with submenus, status dots and a favorite check item.
                UUID git = UUID.fromString("03000143-e25e-45c7-aafb-144990e57dcd");
                var signedIn = state(Phase.SIGNED_IN, List.of(new ResourceView.Dns(git, "gitlab.mycorp.com", "GitLab",
                        null, List.of(new Site(UUID.randomUUID(), "HQ")), ResourceStatus.ONLINE)));
                tray.show(menu.build(signedIn), TrayIconState.of(signedIn), TrayIconState.tooltip(signedIn));
                var reply2 = dbusMenu.GetLayout(0, -1, List.of());
                assertThat(reply2.first.intValue()).isGreaterThan(reply.first.intValue());
                Node root2 = convert(reply2.second);
                assertThat(render(root2, "").lines().limit(15).toList()).containsExactly(
                        "(disabled) Signed in as Ada__L", "Sign out", "Disconnect", "---", "(disabled) Resources",
                        "GitLab >", "  gitlab.mycorp.com", "  ---", "  (disabled) Resource", "  GitLab", "  gitlab.mycorp.com",
                        "  Add to favorites", "  ---", "  (disabled) Site", "  HQ");
                Node gitlab = root2.find("GitLab");
                Node status = gitlab.find("Online");
                assertThat(status.props().get("icon-data").getSig()).isEqualTo("ay");
                Node fav = gitlab.find("Add to favorites");
                assertThat(fav.props().get("toggle-type").getValue()).isEqualTo("checkmark");
                assertThat(fav.props().get("toggle-state").getValue()).isEqualTo(0);
                dbusMenu.Event(fav.id(), "clicked", new Variant<>(""), new UInt32(0));
                dbusMenu.Event(gitlab.find("gitlab.mycorp.com").id(), "clicked", new Variant<>(""), new UInt32(0));
                dbusMenu.Event(root2.find("Signed in as Ada__L").id(), "clicked", new Variant<>(""), new UInt32(0));
                assertThat(clicks).endsWith(new MenuAction.Send(new ControllerEvent.SetFavorite(git, true)),
                        new MenuAction.Copy("gitlab.mycorp.com"));

                // An identical update does not bump the revision (an open menu stays open).
                tray.show(menu.build(signedIn), TrayIconState.of(signedIn), TrayIconState.tooltip(signedIn));
                assertThat(dbusMenu.GetLayout(0, -1, List.of()).first).isEqualTo(reply2.first);

                // A status change is sent in place: the item keeps its id, only its properties are updated, and
                // no new layout is announced, so a host keeps an open menu open (firezone#6054).
                List<SniApi.DBusMenu.ItemsPropertiesUpdated> propertyUpdates = new CopyOnWriteArrayList<>();
                List<SniApi.DBusMenu.LayoutUpdated> layouts = new CopyOnWriteArrayList<>();
                panel.addSigHandler(SniApi.DBusMenu.ItemsPropertiesUpdated.class, propertyUpdates::add);
                panel.addSigHandler(SniApi.DBusMenu.LayoutUpdated.class, layouts::add);
                var connecting = state(Phase.SIGNED_IN, List.of(new ResourceView.Dns(git, "gitlab.mycorp.com", "GitLab",
                        null, signedIn.resources().getFirst().sites(), ResourceStatus.CONNECTING)));
                tray.show(menu.build(connecting), TrayIconState.of(connecting), TrayIconState.tooltip(connecting));
                awaitSignals(propertyUpdates, 1);
                var update = propertyUpdates.getFirst();
                assertThat(update.updatedProps).singleElement().satisfies(p -> {
                    assertThat(p.id).isEqualTo(status.id());
                    assertThat(p.properties.get("label").getValue()).isEqualTo("Connecting\u2026");
                });
                var reply3 = dbusMenu.GetLayout(0, -1, List.of());
                assertThat(reply3.first).isEqualTo(reply2.first);
                assertThat(convert(reply3.second).find("GitLab").find("Connecting\u2026").id()).isEqualTo(status.id());
                assertThat(layouts).isEmpty();

                // A new resource changes the top level's children: one LayoutUpdated for the root, old ids kept.
                UUID wiki = UUID.fromString("6b0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
                var more = state(Phase.SIGNED_IN, List.of(connecting.resources().getFirst(), new ResourceView.Dns(wiki,
                        "wiki.mycorp.com", "Wiki", null, List.of(), ResourceStatus.UNKNOWN)));
                tray.show(menu.build(more), TrayIconState.of(more), TrayIconState.tooltip(more));
                awaitSignals(layouts, 1);
                assertThat(layouts).singleElement().satisfies(l -> assertThat(l.parent).isZero());
                var reply4 = dbusMenu.GetLayout(0, -1, List.of());
                assertThat(reply4.first.intValue()).isEqualTo(reply3.first.intValue() + 1);
                Node root4 = convert(reply4.second);
                assertThat(root4.find("GitLab").id()).isEqualTo(gitlab.id());
                assertThat(root4.find("Wiki").id()).isNotIn(root2.find("GitLab").id(), status.id());
            }
        }
    }

    /** Signals arrive on the bus's dispatch thread; wait for them (not a timing assertion: it fails only when none come). */
    static void awaitSignals(List<?> received, int count) throws InterruptedException {
        for (int i = 0; i < 200 && received.size() < count; i++) {
            Thread.sleep(25);
        }
        assertThat(received).hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void iconLayersAreComposed() {
        BufferedImage signedIn = TrayIconRenderer.render(new TrayIconState(TrayIconState.Look.SIGNED_IN, false), 32);
        BufferedImage signedOut = TrayIconRenderer.render(new TrayIconState(TrayIconState.Look.SIGNED_OUT, true), 32);
        // The logo is orange when signed in and grey when signed out; the badge sits bottom right.
        int logo = signedIn.getRGB(8, 12);
        assertThat((logo >> 16) & 0xff).isGreaterThan((logo & 0xff) + 80);
        int grey = signedOut.getRGB(8, 12);
        assertThat(Math.abs(((grey >> 16) & 0xff) - (grey & 0xff))).isLessThan(30);
        assertThat(signedOut.getRGB(23, 23)).isNotEqualTo(signedIn.getRGB(23, 23));
        int update = signedOut.getRGB(25, 7);
        assertThat(update & 0xff).isGreaterThan((update >> 16) & 0xff); // blue dot
        assertThat(TrayIconRenderer.argb32(signedIn)).hasSize(32 * 32 * 4);
        assertThat(TrayIconRenderer.blendPixel(0xff000000, 0x00ffffff)).isEqualTo(0xff000000);
        assertThat(TrayIconRenderer.blendPixel(0xff000000, 0xffffffff)).isEqualTo(0xffffffff);
    }
}
