package dev.flint.gui.window;

import static org.assertj.core.api.Assertions.assertThat;

import atlantafx.base.theme.PrimerLight;
import dev.flint.gui.controller.Effect;
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

        try (ServerSocket portal = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            harness.checkTarget = URI.create("http://127.0.0.1:" + portal.getLocalPort() + "/");
            robot.clickOn("#checkConnectivity");
            WaitForAsyncUtils.waitFor(RealTimeWait.GENEROUS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS,
                    () -> robot.lookup("#connectivityResult").queryAs(VBox.class).getChildren().size() == 3);
        }
        var lines = robot.lookup("#connectivityResult").queryAs(VBox.class).getChildren().stream()
                .map(n -> ((Label) n).getText()).toList();
        assertThat(lines).allMatch(l -> l.startsWith("\u2713"));
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
