package dev.flint.gui.window;

import dev.flint.gui.controller.Controller;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Effect;
import dev.flint.gui.diagnostics.ConnectivityCheck;
import dev.flint.gui.diagnostics.LogFiles;
import dev.flint.gui.settings.GeneralSettings;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ServiceMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import javafx.stage.Stage;

/**
 * The main window wired to a real {@link Controller}: clicks become controller events, effects are
 * recorded (the service side is played by the test through {@link #fromService}).
 */
final class WindowHarness implements WindowShell {

    final Controller controller;
    final List<Effect> effects = new ArrayList<>();
    final List<String> clipboard = new ArrayList<>();
    final List<URI> opened = new ArrayList<>();
    final LogFiles logs;
    Path exportTarget;
    /** What the connectivity check reports; the check itself is tested on its own (ConnectivityCheckTest). */
    ConnectivityCheck.Report report = new ConnectivityCheck.Report(Instant.parse("2026-03-01T12:00:00Z"), List.of(), Optional.empty());
    final List<Boolean> checksRun = new ArrayList<>();
    java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), java.time.ZoneOffset.UTC);
    MainWindow window;

    WindowHarness(Optional<String> token, GeneralSettings general, Path dir) {
        controller = new Controller(new Controller.Start(token, token.map(t -> new SessionRecord("acme", "Ada Lovelace")),
                general, true, Optional.empty(), "0.1.0"), new SplittableRandom(3));
        logs = new LogFiles(dir.resolve("gui-logs"), dir.resolve("service-logs"));
    }

    MainWindow open(Stage stage) {
        window = new MainWindow(stage, this, clock);
        controller.start(Instant.now());
        drain();
        stage.show();
        return window;
    }

    void attach(ManagedSettings managed) {
        controller.handle(new ControllerEvent.ServiceAttached(), Instant.now());
        fromService(new ServiceMessage.Hello(ProtocolVersion.CURRENT, "0.1.0", "device-42", AdvancedSettings.defaults(), managed));
    }

    void fromService(ServiceMessage m) {
        controller.handle(new ControllerEvent.FromService(m), Instant.now());
        drain();
    }

    @Override
    public void send(ControllerEvent event) {
        controller.handle(event, Instant.now());
        drain();
    }

    private void drain() {
        for (Optional<Effect> e = controller.pollEffect(); e.isPresent(); e = controller.pollEffect()) {
            effects.add(e.get());
            if (e.get() instanceof Effect.LogsCleared lc && window != null) {
                window.logsCleared(lc.error());
            }
        }
        if (window != null) {
            window.update(controller.state());
        }
    }

    @SuppressWarnings("unchecked")
    <T extends Effect> List<T> effects(Class<T> type) {
        return (List<T>) effects.stream().filter(type::isInstance).toList();
    }

    @Override
    public void copyToClipboard(String text) {
        clipboard.add(text);
    }

    @Override
    public void openUrl(URI url) {
        opened.add(url);
    }

    @Override
    public LogFiles logFiles() {
        return logs;
    }

    @Override
    public Optional<Path> chooseExportFile(String defaultFileName) {
        return Optional.ofNullable(exportTarget);
    }

    @Override
    public ConnectivityCheck.Report checkConnectivity(boolean selfTest) {
        checksRun.add(selfTest);
        return report;
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public Optional<String> deviceId() {
        return Optional.of("device-42");
    }
}
