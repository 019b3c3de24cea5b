package dev.flint.gui.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ConnectedDevice;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.Site;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrayMenuTest {

    static final UUID NET = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID GIT = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final UUID LAN = UUID.fromString("00000000-0000-0000-0000-000000000003");
    static final Site HQ = new Site(UUID.fromString("00000000-0000-0000-0000-0000000000aa"), "HQ");
    static final List<ResourceView> RESOURCES = List.of(
            new ResourceView.Internet(NET, "Internet", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Dns(GIT, "gitlab.corp", "GitLab", "https://gitlab.corp", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Cidr(LAN, "10.0.0.0/16", "Office LAN", "", List.of(HQ), ResourceStatus.OFFLINE));

    final TrayMenu menu = new TrayMenu("linux");

    static UiState state(Phase phase, GeneralSettings general, List<ResourceView> resources, List<ConnectedDevice> devices,
                         ManagedSettings managed, Optional<UiState.Update> update) {
        return new UiState(phase, phase == Phase.SIGNED_IN || phase == Phase.PAUSED ? Optional.of("Ada") : Optional.empty(),
                Optional.of("acme"), resources, devices, general, AdvancedSettings.defaults(), managed, update,
                Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    static UiState withConnections(UiState s, List<dev.flint.ipc.GatewayConnection> connections) {
        return new UiState(s.phase(), s.actorName(), s.accountSlug(), s.resources(), s.devices(), s.general(), s.advanced(),
                s.managed(), s.update(), s.serviceProblem(), s.notice(), s.deviceId(), connections);
    }

    static UiState state(Phase phase) {
        return state(phase, GeneralSettings.defaults(), List.of(), List.of(), ManagedSettings.none(), Optional.empty());
    }

    /** One line per item; two spaces per submenu level; [x] disabled, [ ] check, (dot). */
    static String render(List<MenuItem> items) {
        StringBuilder sb = new StringBuilder();
        render(items, "", sb);
        return sb.toString();
    }

    static void render(List<MenuItem> items, String indent, StringBuilder sb) {
        for (MenuItem i : items) {
            switch (i) {
                case MenuItem.Separator s -> sb.append(indent).append("---\n");
                case MenuItem.Submenu m -> {
                    sb.append(indent).append(m.label()).append(" >\n");
                    render(m.children(), indent + "  ", sb);
                }
                case MenuItem.Item it -> {
                    sb.append(indent);
                    if (!it.enabled()) {
                        sb.append("(disabled) ");
                    }
                    it.checked().ifPresent(c -> sb.append(c ? "[x] " : "[ ] "));
                    it.dot().ifPresent(d -> sb.append("(").append(d.name().toLowerCase()).append(") "));
                    sb.append(it.label()).append('\n');
                }
            }
        }
    }

    static final String BOTTOM = """
            ---
            About Flint
            Admin Portal...
            Help >
              Documentation...
              Support...
            Settings
            ---
            """;

    /** Signed in, the bottom part also opens the Connections page. */
    static final String BOTTOM_SIGNED_IN = BOTTOM.replace("Settings\n", "Connections\nSettings\n");

    @Test
    void simpleStates() {
        assertThat(render(menu.build(state(Phase.LOADING)))).isEqualTo("(disabled) Loading...\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.QUITTING)))).isEqualTo("(disabled) Quitting...\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.SIGNED_OUT)))).isEqualTo("Sign In\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.WAITING_FOR_BROWSER))))
                .isEqualTo("(disabled) Waiting for browser...\nCancel sign-in\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.CONNECTING_TO_PORTAL))))
                .isEqualTo("(disabled) Connecting to Firezone Portal...\nConnect now\nCancel sign-in\n" + BOTTOM
                        + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.RAISING_TUNNEL))))
                .isEqualTo("(disabled) Raising tunnel...\nConnect now\nCancel sign-in\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.PAUSED))))
                .isEqualTo("(disabled) Signed in as Ada (disconnected)\nConnect\nSign out\n" + BOTTOM + "Quit Flint\n");
        assertThat(render(menu.build(state(Phase.WAITING_FOR_SERVICE))))
                .isEqualTo("(disabled) Waiting for the tunnel service...\n" + BOTTOM + "Quit Flint\n");
    }

    @Test
    void signedInWithoutFavorites() {
        var s = withConnections(state(Phase.SIGNED_IN, GeneralSettings.defaults(), RESOURCES, List.of(), ManagedSettings.none(),
                Optional.empty()), List.of(new dev.flint.ipc.GatewayConnection(UUID.randomUUID(), List.of(GIT), true,
                new dev.flint.ipc.ConnectionPath(dev.flint.ipc.PathKind.RELAYED, new dev.flint.ipc.CandidateView("relay", "192.0.2.1:49152"),
                        new dev.flint.ipc.CandidateView("host", "10.1.0.10:52625")), 41_200L, 10, 20, null)));
        assertThat(render(menu.build(s))).isEqualTo("""
                (disabled) Signed in as Ada
                Sign out
                Disconnect
                ---
                (disabled) Resources
                \u2014 Internet >
                  (disabled) All network traffic
                  ---
                  Enable this resource
                  ---
                  (disabled) Site
                  HQ
                  (green) Online
                GitLab >
                  <https://gitlab.corp>
                  ---
                  (disabled) Resource
                  GitLab
                  gitlab.corp
                  [ ] Add to favorites
                  ---
                  (disabled) Site
                  HQ
                  (green) Online \u00b7 relayed \u00b7 41 ms
                Office LAN >
                  10.0.0.0/16
                  ---
                  (disabled) Resource
                  Office LAN
                  10.0.0.0/16
                  [ ] Add to favorites
                  ---
                  (disabled) Site
                  HQ
                  (red) Gateway unreachable
                """ + BOTTOM_SIGNED_IN + "Disconnect and quit Flint\n");
    }

    @Test
    void favoritesFirstThenOtherResources() {
        var g = GeneralSettings.defaults().withFavorite(GIT.toString(), true).withInternetResource(true);
        var s = state(Phase.SIGNED_IN, g, RESOURCES, List.of(), ManagedSettings.none(), Optional.empty());
        String text = render(menu.build(s));
        assertThat(text).contains("""
                (disabled) Favorite Resources
                <-> Internet >
                  (disabled) All network traffic
                  ---
                  Disable this resource
                """);
        assertThat(text).contains("""
                  [x] Remove from favorites
                """);
        assertThat(text).contains("""
                ---
                Other Resources >
                  Office LAN >
                """);
    }

    @Test
    void clicksCarryTheRightActions() {
        var g = GeneralSettings.defaults().withFavorite(GIT.toString(), true);
        var s = state(Phase.SIGNED_IN, g, RESOURCES, List.of(), ManagedSettings.none(), Optional.empty());
        var items = menu.build(s);
        var git = (MenuItem.Submenu) items.stream().filter(i -> i.label().equals("GitLab")).findFirst().orElseThrow();
        assertThat(((MenuItem.Item) git.children().get(0)).action()).contains(new MenuAction.Open(URI.create("https://gitlab.corp")));
        assertThat(((MenuItem.Item) git.children().get(3)).action()).contains(new MenuAction.Copy("GitLab"));
        assertThat(((MenuItem.Item) git.children().get(5)).action())
                .contains(new MenuAction.Send(new ControllerEvent.SetFavorite(GIT, false)));
        assertThat(((MenuItem.Item) items.getLast()).action()).contains(new MenuAction.Send(new ControllerEvent.Quit()));
    }

    @Test
    void devicesAreListedWithOverflowLine() {
        List<ConnectedDevice> devices = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            devices.add(new ConnectedDevice(new UUID(0, i), "laptop-" + i, "100.64.0." + i, "fd00::" + i, i == 0 ? List.of("eng") : List.of()));
        }
        var s = state(Phase.SIGNED_IN, GeneralSettings.defaults(), List.of(), devices, ManagedSettings.none(), Optional.empty());
        String text = render(menu.build(s));
        assertThat(text).contains("""
                Devices (22) >
                  laptop-0 >
                    (disabled) Device
                    ---
                    (disabled) Tunnel IPs
                    100.64.0.0
                    fd00::0
                    ---
                    (disabled) Client Details
                    00000000-0000-0000-0000-000000000000
                    laptop-0
                    ---
                    (disabled) Pool
                    eng
                  laptop-1 >
                """);
        assertThat(text).contains("  laptop-19 >").doesNotContain("laptop-20 >");
        assertThat(text).contains("  ---\n  (disabled) And 2 more devices\u2026\n");
    }

    @Test
    void manyResourcesPointToTheOverviewInsteadOfAnEndlessMenu() {
        List<ResourceView> many = IntStream.range(0, 30).mapToObj(i -> (ResourceView) new ResourceView.Dns(new UUID(1, i),
                "host" + i + ".corp", "Host " + i, null, List.of(), ResourceStatus.UNKNOWN)).toList();
        var s = state(Phase.SIGNED_IN, GeneralSettings.defaults(), many, List.of(), ManagedSettings.none(), Optional.empty());
        var items = menu.build(s);
        assertThat(items.stream().filter(i -> i.label().startsWith("Host ")).count()).isEqualTo(TrayMenu.MAX_LISTED);
        assertThat(items).anyMatch(i -> i.label().equals("Show all 30 resources..."));
        var host = (MenuItem.Submenu) items.stream().filter(i -> i.label().equals("Host 0")).findFirst().orElseThrow();
        assertThat(render(host.children())).isEqualTo("""
                host0.corp
                ---
                (disabled) Resource
                Host 0
                host0.corp
                [ ] Add to favorites
                """);
    }

    @Test
    void managedSettingsAndUpdateChangeTheBottomSection() {
        var managed = new ManagedSettings(URI.create("https://portal.example.com/"), null, null, null, true, null, null,
                URI.create("https://help.example.com/"));
        var update = Optional.of(new UiState.Update("1.2.0", URI.create("https://example.com/dl")));
        var s = state(Phase.SIGNED_OUT, GeneralSettings.defaults(), List.of(), List.of(), managed, update);
        var items = menu.build(s);
        assertThat(render(items)).isEqualTo("""
                Sign In
                ---
                Download Flint 1.2.0...
                About Flint
                Help >
                  Documentation...
                  Support...
                Settings
                ---
                Quit Flint
                """);
        var help = (MenuItem.Submenu) items.stream().filter(i -> i.label().equals("Help")).findFirst().orElseThrow();
        assertThat(((MenuItem.Item) help.children().get(1)).action()).contains(new MenuAction.Open(URI.create("https://help.example.com/")));

        var plain = state(Phase.SIGNED_OUT);
        var admin = (MenuItem.Item) menu.build(plain).stream().filter(i -> i.label().equals("Admin Portal...")).findFirst().orElseThrow();
        assertThat(admin.action()).contains(new MenuAction.Open(AdvancedSettings.DEFAULT_AUTH_URL));
    }

    @Test
    void iconLayersFollowThePhase() {
        assertThat(TrayIconState.of(state(Phase.SIGNED_IN)).look()).isEqualTo(TrayIconState.Look.SIGNED_IN);
        assertThat(TrayIconState.of(state(Phase.PAUSED)).look()).isEqualTo(TrayIconState.Look.SIGNED_OUT);
        assertThat(TrayIconState.of(state(Phase.RAISING_TUNNEL)).look()).isEqualTo(TrayIconState.Look.BUSY);
        var upd = state(Phase.SIGNED_OUT, GeneralSettings.defaults(), List.of(), List.of(), ManagedSettings.none(),
                Optional.of(new UiState.Update("2", URI.create("https://x.example/"))));
        assertThat(TrayIconState.of(upd)).isEqualTo(new TrayIconState(TrayIconState.Look.SIGNED_OUT, true));
    }
}
