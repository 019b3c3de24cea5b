package dev.flint.gui.window;

import static org.assertj.core.api.Assertions.assertThat;

import atlantafx.base.theme.PrimerLight;
import dev.flint.gui.controller.Effect;
import dev.flint.gui.diagnostics.ConnectivityCheck;
import dev.flint.gui.controller.Page;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.testing.RealTimeWait;
import dev.flint.gui.testing.Screenshots;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ConnectedDevice;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.Site;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipFile;
import javafx.application.Application;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.scene.layout.VBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/** Each page on JavaFX's headless platform: click, type, assert, and a PNG for docs/screenshots. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    static final Site HQ = new Site(UUID.fromString("6f1b7a4e-0000-4000-8000-0000000000aa"), "Headquarters");
    static final Site LAB = new Site(UUID.fromString("6f1b7a4e-0000-4000-8000-0000000000bb"), "Lab");
    static final UUID GITLAB = UUID.fromString("03000143-e25e-45c7-aafb-144990e57dcd");
    static final List<ResourceView> RESOURCES = List.of(
            new ResourceView.Internet(UUID.fromString("1f000000-0000-4000-8000-000000000001"), "Internet", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Dns(GITLAB, "gitlab.mycorp.com", "MyCorp GitLab", "https://gitlab.mycorp.com", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Dns(UUID.fromString("2a000000-0000-4000-8000-000000000002"), "*.wiki.mycorp.com", "Wiki", null, List.of(HQ), ResourceStatus.UNKNOWN),
            new ResourceView.Cidr(UUID.fromString("3b000000-0000-4000-8000-000000000003"), "10.20.0.0/16", "Lab network", "", List.of(LAB), ResourceStatus.OFFLINE),
            new ResourceView.Dns(UUID.fromString("4c000000-0000-4000-8000-000000000004"), "grafana.mycorp.com", "Grafana", null, List.of(LAB), ResourceStatus.ONLINE));

    @TempDir
    static Path dir;

    @BeforeAll
    static void theme() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet()));
    }

    WindowHarness harness;
    MainWindow window;

    WindowHarness start(FxRobot robot, Optional<String> token, GeneralSettings general) {
        harness = new WindowHarness(token, general, dir);
        robot.interact(() -> window = harness.open(new Stage()));
        WaitForAsyncUtils.waitForFxEvents();
        return harness;
    }

    /**
     * Each test's window goes with it: the robot clicks at screen positions, and a window left behind by an earlier
     * test could be the one under the pointer while the new one is still being placed.
     */
    @AfterEach
    void closeWindows() throws Exception {
        FxToolkit.cleanupStages();
    }

    void signedIn(FxRobot robot) {
        start(robot, Optional.of("tok"), GeneralSettings.defaults().withAccountSlug("acme"));
        robot.interact(() -> {
            harness.attach(ManagedSettings.none());
            harness.fromService(ServiceMessage.ConnectResult.ok());
            harness.fromService(new ServiceMessage.ResourcesUpdated(RESOURCES, List.<ConnectedDevice>of()));
        });
    }

    @Test
    void signedOutOverviewSignsInThroughTheBrowser(FxRobot robot) throws Exception {
        start(robot, Optional.empty(), GeneralSettings.defaults());
        robot.interact(() -> harness.attach(ManagedSettings.none()));
        assertThat(robot.lookup("#statusTitle").queryAs(Label.class).getText()).isEqualTo("Signed out");
        Screenshots.save(robot, window.root(), "overview-signed-out");

        robot.clickOn("#signInButton");
        assertThat(harness.effects(Effect.OpenUrl.class)).singleElement()
                .satisfies(o -> assertThat(o.url().toString()).startsWith("https://app.firezone.dev/?as=gui-client&nonce="));
        assertThat(robot.lookup("#statusTitle").queryAs(Label.class).getText()).isEqualTo("Waiting for your browser");
        robot.clickOn("#cancelButton");
        assertThat(harness.controller.state().phase()).isEqualTo(Phase.SIGNED_OUT);
    }

    static final UUID GATEWAY_HQ = UUID.fromString("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
    static final UUID GATEWAY_LAB = UUID.fromString("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f");
    static final UUID GRAFANA = UUID.fromString("4c000000-0000-4000-8000-000000000004");

    static ServiceMessage.ConnectionsUpdated connections() {
        return new ServiceMessage.ConnectionsUpdated(List.of(
                new dev.flint.ipc.GatewayConnection(GATEWAY_HQ, List.of(GITLAB), true,
                        new dev.flint.ipc.ConnectionPath(dev.flint.ipc.PathKind.DIRECT,
                                new dev.flint.ipc.CandidateView("srflx", "198.51.100.7:52625"),
                                new dev.flint.ipc.CandidateView("host", "203.0.113.10:52625")),
                        18_250L, 48_112L, 3_301_977L, java.time.Instant.parse("2026-03-01T11:59:48Z").toEpochMilli()),
                new dev.flint.ipc.GatewayConnection(GATEWAY_LAB, List.of(GRAFANA), true,
                        new dev.flint.ipc.ConnectionPath(dev.flint.ipc.PathKind.RELAYED,
                                new dev.flint.ipc.CandidateView("relay", "192.0.2.100:49152"),
                                new dev.flint.ipc.CandidateView("srflx", "203.0.113.20:40000")),
                        41_800L, 1_024L, 2_048L, java.time.Instant.parse("2026-03-01T11:57:00Z").toEpochMilli())));
    }

    @Test
    void resourceRowsAndTheConnectionsPageShowPathRoundTripAndTraffic(FxRobot robot) throws Exception {
        signedIn(robot);
        robot.interact(() -> harness.fromService(connections()));
        assertThat(robot.lookup("#status-" + GITLAB).queryAs(Label.class).getText())
                .isEqualTo("Headquarters \u00b7 Online \u00b7 direct \u00b7 18 ms");
        assertThat(robot.lookup("#status-" + GRAFANA).queryAs(Label.class).getText())
                .isEqualTo("Lab \u00b7 Online \u00b7 relayed \u00b7 42 ms");
        assertThat(robot.lookup("#status-3b000000-0000-4000-8000-000000000003").queryAs(Label.class).getText())
                .isEqualTo("Lab \u00b7 Gateway unreachable");

        robot.clickOn("#nav-connections");
        assertThat(robot.lookup("#connectionsSummary").queryAs(Label.class).getText())
                .isEqualTo("2 gateway connections: 1 direct, 1 relayed.");
        String hq = GATEWAY_HQ.toString();
        assertThat(robot.lookup("#connection-path-" + hq).queryAs(Label.class).getText()).isEqualTo("Direct \u00b7 18 ms");
        assertThat(robot.lookup("#connection-resources-" + hq).queryAs(Label.class).getText()).isEqualTo("MyCorp GitLab");
        assertThat(robot.lookup("#connection-local-" + hq).queryAs(Label.class).getText()).isEqualTo("srflx 198.51.100.7:52625");
        assertThat(robot.lookup("#connection-remote-" + hq).queryAs(Label.class).getText()).isEqualTo("host 203.0.113.10:52625");
        assertThat(robot.lookup("#connection-bytes-" + hq).queryAs(Label.class).getText()).isEqualTo("3.1 MiB received, 47.0 KiB sent");
        assertThat(robot.lookup("#connection-handshake-" + hq).queryAs(Label.class).getText()).isEqualTo("12 s ago");
        String lab = GATEWAY_LAB.toString();
        assertThat(robot.lookup("#connection-path-" + lab).queryAs(Label.class).getText()).isEqualTo("Relayed \u00b7 42 ms");
        assertThat(robot.lookup("#connection-handshake-" + lab).queryAs(Label.class).getText()).isEqualTo("3 min ago");
        Screenshots.save(robot, window.root(), "connections");

        // The last connection closing empties the page again.
        robot.interact(() -> harness.fromService(new ServiceMessage.ConnectionsUpdated(List.of())));
        assertThat(robot.lookup("#connectionsSummary").queryAs(Label.class).getText()).startsWith("No gateway connection yet");
        assertThat(robot.lookup("#connectionCards").queryAs(VBox.class).getChildren()).isEmpty();
        robot.clickOn("#nav-overview");
        assertThat(robot.lookup("#status-" + GITLAB).queryAs(Label.class).getText()).isEqualTo("Headquarters \u00b7 Online");
    }

    @Test
    void waitingForServiceShowsTheProblem(FxRobot robot) throws Exception {
        start(robot, Optional.of("tok"), GeneralSettings.defaults());
        robot.interact(() -> harness.send(new dev.flint.gui.controller.ControllerEvent.ServiceUnreachable("ENOENT")));
        assertThat(robot.lookup("#serviceBanner").tryQuery()).isPresent();
        assertThat(robot.lookup("#statusTitle").queryAs(Label.class).getText()).isEqualTo("Waiting for the tunnel service\u2026");
        Screenshots.save(robot, window.root(), "overview-waiting-for-service");
    }

    @Test
    void signedInOverviewSearchesCopiesFavoritesAndToggles(FxRobot robot) throws Exception {
        signedIn(robot);
        assertThat(robot.lookup("#statusDetail").queryAs(Label.class).getText())
                .isEqualTo("You are signed in to acme as Ada Lovelace.");
        ListView<?> list = robot.lookup("#resourceList").queryAs(ListView.class);
        assertThat(list.getItems()).hasSize(4);
        Screenshots.save(robot, window.root(), "overview-signed-in");

        robot.clickOn("#searchField").write("mycorp");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(list.getItems()).hasSize(3);
        robot.interact(() -> robot.lookup("#searchField").queryAs(TextField.class).clear());
        robot.clickOn("#searchField").write("10.20");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(list.getItems()).hasSize(1);
        robot.interact(() -> robot.lookup("#searchField").queryAs(TextField.class).setText("gitlab"));
        WaitForAsyncUtils.waitForFxEvents();

        robot.clickOn("#copy-" + GITLAB);
        assertThat(harness.clipboard).containsExactly("gitlab.mycorp.com");
        robot.clickOn("#favorite-" + GITLAB);
        assertThat(harness.controller.state().general().isFavorite(GITLAB.toString())).isTrue();
        assertThat(harness.effects(Effect.SaveGeneralSettings.class)).isNotEmpty();

        robot.clickOn("#internetToggle");
        assertThat(harness.controller.state().general().internetResourceOn()).isTrue();
        assertThat(harness.effects(Effect.SendToService.class)).extracting(Effect.SendToService::message)
                .contains(new GuiMessage.SetInternetResourceEnabled(true));
        robot.interact(() -> robot.lookup("#searchField").queryAs(TextField.class).setText(""));
        WaitForAsyncUtils.waitForFxEvents();
        Screenshots.save(robot, window.root(), "overview-signed-in-favorite");

        robot.clickOn("#disconnectButton");
        assertThat(harness.controller.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(robot.lookup("#connectButton").tryQuery()).isPresent();
        Screenshots.save(robot, window.root(), "overview-disconnected");
        robot.clickOn("#connectButton");
        assertThat(harness.controller.state().phase()).isEqualTo(Phase.CONNECTING_TO_PORTAL);
    }

    @Test
    void generalSettingsApply(FxRobot robot) throws Exception {
        start(robot, Optional.empty(), GeneralSettings.defaults());
        robot.interact(() -> {
            harness.attach(ManagedSettings.none());
            window.show(Page.GENERAL_SETTINGS);
        });
        robot.clickOn("#nav-general-settings");
        robot.clickOn("#startMinimized");
        robot.clickOn("#startOnLogin");
        robot.clickOn("#accountSlug").write("acme");
        Screenshots.save(robot, window.root(), "settings-general");
        robot.clickOn("#applyGeneral");
        var saved = harness.effects(Effect.SaveGeneralSettings.class).getLast().settings();
        assertThat(saved.startMinimized()).isFalse();
        assertThat(saved.startOnLogin()).isTrue();
        assertThat(saved.connectOnStart()).isTrue();
        assertThat(saved.accountSlug()).isEqualTo("acme");
        assertThat(harness.effects(Effect.ApplyStartOnLogin.class)).containsExactly(new Effect.ApplyStartOnLogin(true));
        robot.clickOn("#resetGeneral");
        assertThat(harness.controller.state().general().accountSlug()).isNull();
        assertThat(robot.lookup("#accountSlug").queryAs(TextField.class).getText()).isEmpty();
    }

    @Test
    void managedSettingsAreLockedWithTheReason(FxRobot robot) throws Exception {
        start(robot, Optional.empty(), GeneralSettings.defaults());
        var managed = new ManagedSettings(URI.create("https://portal.example.com/"), null, null, "corp", null, true, null, null);
        robot.interact(() -> {
            harness.attach(managed);
            window.show(Page.GENERAL_SETTINGS);
        });
        assertThat(robot.lookup("#accountSlug").queryAs(TextField.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#accountSlug").queryAs(TextField.class).getText()).isEqualTo("corp");
        assertThat(robot.lookup("#startOnLogin").query().isDisabled()).isFalse();
        Screenshots.save(robot, window.root(), "settings-general-managed");
        robot.interact(() -> window.show(Page.ADVANCED_SETTINGS));
        assertThat(robot.lookup("#authUrl").queryAs(TextField.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#authUrlNote").queryAs(Label.class).getText()).isEqualTo(Form.MANAGED);
        assertThat(robot.lookup("#apiUrl").queryAs(TextField.class).isDisabled()).isFalse();
        Screenshots.save(robot, window.root(), "settings-advanced-managed");
    }

    @Test
    void advancedSettingsValidateThenSend(FxRobot robot) throws Exception {
        start(robot, Optional.empty(), GeneralSettings.defaults());
        robot.interact(() -> harness.attach(ManagedSettings.none()));
        robot.clickOn("#nav-advanced-settings");
        assertThat(robot.lookup("#authUrl").queryAs(TextField.class).getText()).isEqualTo("https://app.firezone.dev/");
        robot.interact(() -> robot.lookup("#authUrl").queryAs(TextField.class).setText(""));
        robot.clickOn("#authUrl").write("http://portal.example.com/");
        robot.clickOn("#applyAdvanced");
        assertThat(robot.lookup("#advancedError").queryAs(Label.class).getText()).startsWith("Auth base URL: ");
        assertThat(harness.effects(Effect.SendToService.class)).isEmpty();
        Screenshots.save(robot, window.root(), "settings-advanced-error");

        robot.interact(() -> robot.lookup("#authUrl").queryAs(TextField.class).setText(""));
        robot.clickOn("#authUrl").write("http://127.0.0.1:4000/");
        robot.interact(() -> robot.lookup("#logFilter").queryAs(TextField.class).setText(""));
        robot.clickOn("#logFilter").write("debug");
        robot.clickOn("#applyAdvanced");
        assertThat(robot.lookup("#advancedError").queryAs(Label.class).getText()).isEmpty();
        var wanted = new AdvancedSettings(URI.create("http://127.0.0.1:4000/"), AdvancedSettings.DEFAULT_API_URL, "debug");
        assertThat(harness.effects(Effect.SendToService.class)).extracting(Effect.SendToService::message)
                .containsExactly(new GuiMessage.ApplyAdvancedSettings(wanted));
        robot.interact(() -> harness.fromService(ServiceMessage.AdvancedSettingsApplied.ok(wanted)));
        assertThat(robot.lookup("#authUrl").queryAs(TextField.class).getText()).isEqualTo("http://127.0.0.1:4000/");
        Screenshots.save(robot, window.root(), "settings-advanced");

        // The client certificate for mutual TLS: a relative path is named as the bad field, an absolute one is sent.
        robot.interact(() -> robot.lookup("#clientCertificate").queryAs(TextField.class).setText("device.pem"));
        robot.interact(() -> robot.lookup("#applyAdvanced").queryAs(javafx.scene.control.Button.class).fire());
        assertThat(robot.lookup("#advancedError").queryAs(Label.class).getText())
                .startsWith("Client certificate: must be an absolute file path");
        robot.interact(() -> {
            robot.lookup("#clientCertificate").queryAs(TextField.class).setText("/etc/flint/device.pem");
            robot.lookup("#clientKey").queryAs(TextField.class).setText("/etc/flint/device.key");
            robot.lookup("#applyAdvanced").queryAs(javafx.scene.control.Button.class).fire();
        });
        var withCertificate = new AdvancedSettings(URI.create("http://127.0.0.1:4000/"), AdvancedSettings.DEFAULT_API_URL,
                "debug", new dev.flint.ipc.ClientCertificate("/etc/flint/device.pem", "/etc/flint/device.key", null));
        assertThat(harness.effects(Effect.SendToService.class)).extracting(Effect.SendToService::message)
                .contains(new GuiMessage.ApplyAdvancedSettings(withCertificate));
    }

    @Test
    void diagnosticsCountsExportsClearsAndChecks(FxRobot robot) throws Exception {
        Files.createDirectories(dir.resolve("gui-logs"));
        Files.createDirectories(dir.resolve("service-logs"));
        Files.writeString(dir.resolve("gui-logs/gui.2026-11-24-12-00-00.log"), "x".repeat(1_500_000));
        Files.writeString(dir.resolve("service-logs/tunnel.2026-11-24-12-00-00.log"), "service started\n");
        start(robot, Optional.empty(), GeneralSettings.defaults());
        robot.interact(() -> harness.attach(ManagedSettings.none()));
        robot.clickOn("#nav-diagnostics");
        assertThat(robot.lookup("#logSize").queryAs(Label.class).getText()).isEqualTo("Log directory size: 2 files, 1.5 MB");

        harness.exportTarget = dir.resolve("export.zip");
        robot.clickOn("#exportLogs");
        WaitForAsyncUtils.waitFor(RealTimeWait.GENEROUS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS,
                () -> robot.lookup("#exportResult").queryAs(Label.class).getText().startsWith("Logs exported"));
        try (var zip = new ZipFile(harness.exportTarget.toFile())) {
            var names = zip.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(names).allMatch(n -> n.startsWith("flint_logs_"));
            assertThat(names).anyMatch(n -> n.endsWith("/app/gui.2026-11-24-12-00-00.log"));
            assertThat(names).anyMatch(n -> n.endsWith("/connlib/tunnel.2026-11-24-12-00-00.log"));
        }

        harness.report = new ConnectivityCheck.Report(java.time.Instant.parse("2026-03-01T12:00:00Z"), List.of(
                new ConnectivityCheck.Step("Tunnel service", true, "connected; tunnel interface tun-flint, MTU 1280"),
                new ConnectivityCheck.Step("Relay 192.0.2.100:3478", true, "STUN over UDP (IPv4) answered in 3.1 ms"),
                new ConnectivityCheck.Step("TURN 192.0.2.100:3478", false, "the relay refused an allocation: 401 Unauthorized"),
                new ConnectivityCheck.Step("Resource Web", true, "tcp://web.flint.test:80: connected (12 ms)")),
                Optional.of("Web was reached through the tunnel, so Flint works; but TURN 192.0.2.100:3478 failed."));
        robot.clickOn("#selfTest");
        WaitForAsyncUtils.waitFor(RealTimeWait.GENEROUS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS,
                () -> robot.lookup("#connectivityResult").queryAs(VBox.class).getChildren().size() == 4);
        assertThat(harness.checksRun).containsExactly(true);
        var lines = robot.lookup("#connectivityResult").queryAs(VBox.class).getChildren().stream()
                .map(n -> ((Label) n).getText()).toList();
        assertThat(lines).containsExactly("\u2713 Tunnel service: connected; tunnel interface tun-flint, MTU 1280",
                "\u2713 Relay 192.0.2.100:3478: STUN over UDP (IPv4) answered in 3.1 ms",
                "\u2717 TURN 192.0.2.100:3478: the relay refused an allocation: 401 Unauthorized",
                "\u2713 Resource Web: tcp://web.flint.test:80: connected (12 ms)");
        assertThat(robot.lookup("#selfTestVerdict").queryAs(Label.class).getText()).startsWith("Web was reached");
        // The report is copyable and kept beside the app's logs, so the export carries it.
        robot.clickOn("#copyReport");
        assertThat(harness.clipboard.getLast()).contains("[FAIL] TURN 192.0.2.100:3478", "Verdict: Web was reached");
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> java.nio.file.Files.exists(harness.logs.connectivityReport()));
        assertThat(java.nio.file.Files.readString(harness.logs.connectivityReport())).isEqualTo(harness.report.text());
        robot.clickOn("#exportLogs");
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> robot.lookup("#exportResult").queryAs(Label.class).getText().startsWith("Logs exported"));
        try (var zip = new ZipFile(harness.exportTarget.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)).anyMatch(n -> n.endsWith("/app/connectivity-report.txt"));
        }
        Screenshots.save(robot, window.root(), "diagnostics");

        robot.clickOn("#clearLogs");
        assertThat(harness.effects(Effect.ClearGuiLogs.class)).hasSize(1);
        robot.interact(() -> harness.fromService(ServiceMessage.LogsCleared.ok()));
        assertThat(robot.lookup("#exportResult").queryAs(Label.class).getText()).isEqualTo("Logs cleared.");
    }

    @Test
    void aboutShowsVersionAndOpensDocs(FxRobot robot) throws Exception {
        start(robot, Optional.empty(), GeneralSettings.defaults());
        robot.interact(() -> harness.attach(ManagedSettings.none()));
        robot.clickOn("#nav-about");
        assertThat(robot.lookup("#aboutVersion").queryAs(Label.class).getText()).isEqualTo("Version 0.1.0");
        assertThat(robot.lookup("#aboutDevice").queryAs(Label.class).getText()).isEqualTo("Device ID device-42");
        robot.clickOn("#docsLink");
        assertThat(harness.opened).containsExactly(AboutPage.DOCS);
        Screenshots.save(robot, window.root(), "about");
    }
}
