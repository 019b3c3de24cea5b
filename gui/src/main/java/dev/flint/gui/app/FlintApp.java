package dev.flint.gui.app;

import atlantafx.base.theme.PrimerLight;
import dev.flint.gui.controller.Controller;
import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Page;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.gui.diagnostics.ConnectivityCheck;
import dev.flint.gui.diagnostics.LogFiles;
import dev.flint.gui.platform.Autostart;
import dev.flint.gui.platform.Notifier;
import dev.flint.gui.platform.UpdateChecker;
import dev.flint.gui.platform.UrlOpener;
import dev.flint.gui.platform.linux.DesktopEntries;
import dev.flint.gui.platform.linux.FreedesktopNotifier;
import dev.flint.gui.platform.windows.RegistryKeys;
import dev.flint.gui.service.ControllerLoop;
import dev.flint.gui.service.ServiceLink;
import dev.flint.gui.settings.AppDirs;
import dev.flint.gui.settings.GeneralSettingsStore;
import dev.flint.gui.settings.SessionRecord;
import dev.flint.gui.signin.SingleInstance;
import dev.flint.gui.token.TokenStoreChoice;
import dev.flint.gui.token.TokenStoreException;
import dev.flint.gui.tray.MenuAction;
import dev.flint.gui.tray.MenuItem;
import dev.flint.gui.tray.TrayBackend;
import dev.flint.gui.tray.TrayIconState;
import dev.flint.gui.tray.TrayMenu;
import dev.flint.gui.tray.awt.AwtTray;
import dev.flint.gui.tray.linux.SniTray;
import dev.flint.gui.window.MainWindow;
import dev.flint.gui.window.WindowShell;
import dev.flint.ipc.InstanceMessage;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.image.WritableImage;
import javafx.scene.input.ClipboardContent;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JavaFX application: builds everything, picks a tray backend, and runs until Quit. */
public final class FlintApp extends Application {

    private static final Logger LOG = LoggerFactory.getLogger(FlintApp.class);
    static final String NO_TRAY = "No system tray was found, so Flint lives in this window. On GNOME, install and "
            + "enable the AppIndicator extension (gnome-shell-extension-appindicator) to get Flint's tray icon. "
            + "Start Flint again to bring this window back after closing it.";

    private static Options options;
    private static SingleInstance instance;
    private static AppDirs dirs;
    private static Path logFile;
    private static String version;

    private ControllerLoop loop;
    private MainWindow window;
    private TrayBackend tray;
    private DBusConnection sessionBus;
    private final TrayMenu trayMenu = new TrayMenu(os());
    private final dev.flint.gui.diagnostics.ServiceDiagnostics serviceDiagnostics = new dev.flint.gui.diagnostics.ServiceDiagnostics();

    /**
     * The StatusNotifierItem needs only D-Bus, so it comes up on its own thread while the JVM loads JavaFX and the
     * toolkit starts: the icon (busy, "Loading...") appears first, and start() takes it over.
     */
    private static CompletableFuture<EarlyTray> earlyTray = CompletableFuture.completedFuture(new EarlyTray(null, null));
    private static volatile java.util.function.Consumer<MenuAction> menuTarget = a -> LOG.debug("Menu click before start: {}", a);
    private static volatile Runnable activateTarget = () -> { };

    /** What the early start found: the session bus (null without one) and the SNI tray (null without a host). */
    private record EarlyTray(DBusConnection bus, SniTray tray) {
    }

    static void prepare(Options o, SingleInstance i, AppDirs d, Path log, String v) {
        options = o;
        instance = i;
        dirs = d;
        logFile = log;
        version = v;
        if (os().equals("linux") && System.getenv("DBUS_SESSION_BUS_ADDRESS") != null) {
            CompletableFuture<EarlyTray> f = new CompletableFuture<>();
            Thread.ofPlatform().name("tray-start").daemon(true).start(() -> f.complete(startSniTray()));
            earlyTray = f;
        }
    }

    private static EarlyTray startSniTray() {
        DBusConnection bus;
        try {
            bus = DBusConnectionBuilder.forSessionBus().withShared(false).build();
        } catch (Exception e) {
            LOG.info("No session bus: {}", e.toString());
            return new EarlyTray(null, null);
        }
        if (!SniTray.available(bus)) {
            return new EarlyTray(bus, null);
        }
        try {
            SniTray tray = SniTray.start(bus, a -> menuTarget.accept(a), () -> activateTarget.run(),
                    List.of(MenuItem.disabled("Loading...")), new TrayIconState(TrayIconState.Look.BUSY, false), "Flint");
            LOG.info("Tray icon registered (StatusNotifierItem)");
            return new EarlyTray(bus, tray);
        } catch (Exception e) {
            LOG.warn("StatusNotifierItem tray failed: {}", e.toString());
            return new EarlyTray(bus, null);
        }
    }

    static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        return os.startsWith("windows") ? "windows" : os.contains("mac") ? "macos" : "linux";
    }

    @Override
    public void start(Stage stage) throws Exception {
        Platform.setImplicitExit(false);
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        boolean linux = os().equals("linux");
        // The keyring is asked on its own thread (D-Bus round trips) while the window is built.
        CompletableFuture<TokenLoad> tokenLoad = CompletableFuture.supplyAsync(FlintApp::loadToken,
                r -> Thread.ofPlatform().name("token-load").daemon(true).start(r));
        EarlyTray early = earlyTray.join();
        sessionBus = early.bus();
        GeneralSettingsStore settings = new GeneralSettingsStore(dirs.generalSettingsFile());

        ControllerLoop[] ref = new ControllerLoop[1];
        UrlOpener opener = UrlOpener.system();
        ServiceLink link = new ServiceLink(dev.flint.gui.platform.GuiEndpoints.service(options.serviceSocket(),
                Options.DEFAULT_SOCKET, System.getProperty("os.name", "")), e -> ref[0].post(e));
        LogFiles logs = new LogFiles(dirs.logs(), dirs.serviceLogs());
        List<String> launcher = ProcessHandle.current().info().command().map(List::of).orElse(List.of("flint-gui"));
        Autostart autostart = linux ? DesktopEntries.forCurrentUser(launcher)
                : new RegistryKeys(launcher.getFirst(), RegistryKeys.currentUser());
        window = new MainWindow(stage, new Shell(logs, opener));
        stage.setOnCloseRequest(e -> {
            e.consume();
            stage.hide();
        });
        TokenLoad loaded = tokenLoad.join();
        TokenStoreChoice tokens = loaded.choice();
        Controller controller = new Controller(new Controller.Start(loaded.token(), SessionRecord.load(dirs), settings.load(),
                AppShell.ranBefore(dirs), loaded.warning(), version), new SecureRandom());
        Notifier notifier = notifier(opener);
        AppShell shell = new AppShell(new AppShell.Parts(dirs, link, tokens.store(), settings, notifier, opener, autostart,
                logs, GuiLogging::apply, new FxUi()), e -> ref[0].post(e));
        shell.currentLogFile(logFile);
        loop = new ControllerLoop(controller, shell, Clock.systemUTC());
        ref[0] = loop;

        tray = early.tray() != null ? early.tray() : chooseTray();
        menuTarget = this::onMenu;
        activateTarget = () -> loop.post(new ControllerEvent.ShowWindow(Page.OVERVIEW));
        if (tray == null) {
            window.showNoTrayHint(NO_TRAY);
            window.open(Page.OVERVIEW);
        }
        loop.onState(this::render);
        instance.listen(m -> {
            switch (m) {
                case InstanceMessage.DeepLink d -> loop.post(new ControllerEvent.DeepLinkReceived(d.url().toString()));
                case InstanceMessage.NewInstance n -> loop.post(new ControllerEvent.NewInstance());
                case InstanceMessage.Ack a -> { }
            }
        });
        if (options.registerDeepLinks()) {
            Thread.ofVirtual().start(() -> {
                try {
                    if (linux) {
                        DesktopEntries.forCurrentUser(launcher).register();
                    } else if (os().equals("windows")) {
                        new RegistryKeys(launcher.getFirst(), RegistryKeys.currentUser()).register();
                    }
                } catch (Exception e) {
                    LOG.warn("Registering the sign-in link handler failed: {}", e.toString());
                }
            });
        }
        options.releasesUrl().ifPresent(this::scheduleUpdateChecks);
        loop.start();
        options.snapshot().ifPresent(this::snapshotWhenStable);
        if ("1".equals(System.getenv("FLINT_GUI_SIGN_IN"))) {
            signInOnceSignedOut();
        }
    }

    /** The platform's token store and the stored token, or the sentence saying why there is none. */
    private record TokenLoad(TokenStoreChoice choice, Optional<String> token, Optional<String> warning) {
    }

    private static TokenLoad loadToken() {
        TokenStoreChoice tokens = TokenStoreChoice.forThisPlatform();
        LOG.info("Token store: {}", tokens.store().name());
        try {
            return new TokenLoad(tokens, tokens.store().load(), tokens.warning());
        } catch (TokenStoreException e) {
            return new TokenLoad(tokens, Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    /** For the unattended devstack demo: press "Sign in" once, as soon as the service is there and nobody is signed in. */
    private void signInOnceSignedOut() {
        AtomicBoolean done = new AtomicBoolean();
        String[] seen = {"", ""};
        loop.onState(s -> {
            // One line per change, so the demo can tell (and say) what the GUI shows.
            String shown = "phase " + s.phase() + ", " + s.resources().size() + " resources"
                    + s.actorName().map(a -> ", signed in as " + a).orElse("");
            if (!shown.equals(seen[0])) {
                seen[0] = shown;
                LOG.info("GUI shows: {}", shown);
            }
            // What each resource row says, logged when a status or a path changes (not every new RTT sample).
            String key = s.resources().stream().map(r -> r.id() + "=" + r.status() + s.connectionOf(r.id())
                    .map(c -> c.path() == null ? "" : c.path().kind() + (c.rttMicros() == null ? "" : "+rtt")).orElse(""))
                    .collect(java.util.stream.Collectors.joining(","));
            if (!key.equals(seen[1])) {
                seen[1] = key;
                for (var r : s.resources()) {
                    String address = switch (r) {
                        case dev.flint.ipc.ResourceView.Dns d -> d.address();
                        case dev.flint.ipc.ResourceView.Cidr c -> c.address();
                        case dev.flint.ipc.ResourceView.Internet i -> "internet";
                    };
                    LOG.info("GUI resource: {} ({}) | {}", r.name(), address, dev.flint.gui.status.StatusText.resource(
                            r.status(), s.connectionOf(r.id())));
                }
            }
            if (s.phase() == Phase.SIGNED_OUT && s.serviceProblem().isEmpty() && done.compareAndSet(false, true)) {
                LOG.info("FLINT_GUI_SIGN_IN is set: starting the sign-in");
                loop.post(new ControllerEvent.SignIn());
            }
        });
    }

    private Notifier notifier(UrlOpener opener) {
        if (sessionBus != null) {
            try {
                return new FreedesktopNotifier(sessionBus, opener);
            } catch (Exception e) {
                LOG.info("Notifications over D-Bus unavailable: {}", e.toString());
            }
        }
        return (title, body, click) -> {
            if (tray instanceof AwtTray awt) {
                awt.displayMessage(title, body);
            } else {
                LOG.info("Notification: {} - {}", title, body);
            }
        };
    }

    private TrayBackend chooseTray() {
        Runnable activate = () -> loop.post(new ControllerEvent.ShowWindow(Page.OVERVIEW));
        if (sessionBus != null && SniTray.available(sessionBus)) {
            try {
                return SniTray.start(sessionBus, this::onMenu, activate);
            } catch (Exception e) {
                LOG.warn("StatusNotifierItem tray failed: {}", e.toString());
            }
        }
        if (AwtTray.available()) {
            try {
                return AwtTray.start(this::onMenu, activate);
            } catch (Exception e) {
                LOG.warn("AWT tray failed: {}", e.toString());
            }
        }
        LOG.info("No tray available; the window stays open");
        return null;
    }

    private void onMenu(MenuAction action) {
        switch (action) {
            case MenuAction.Send s -> loop.post(s.event());
            case MenuAction.Copy c -> Platform.runLater(() -> copy(c.text()));
            case MenuAction.Open o -> {
                try {
                    UrlOpener.system().open(o.url());
                } catch (Exception e) {
                    LOG.warn("Opening {} failed: {}", o.url(), e.toString());
                }
            }
        }
    }

    private void render(UiState s) {
        if (tray != null) {
            tray.show(trayMenu.build(s), TrayIconState.of(s), TrayIconState.tooltip(s));
        }
        Platform.runLater(() -> window.update(s));
    }

    private void scheduleUpdateChecks(URI releases) {
        UpdateChecker checker = new UpdateChecker(releases,
                releases.resolve("/flint/download/{version}").toString().replace("%7B", "{").replace("%7D", "}"), version);
        Thread.ofVirtual().name("update-check").start(() -> {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(Duration.ofMinutes(10).toMillis()));
                while (true) {
                    try {
                        loop.post(checker.check());
                    } catch (Exception e) {
                        LOG.info("Update check failed: {}", e.toString());
                    }
                    Thread.sleep(Duration.ofDays(1).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** For smoke tests: once the state settles (signed in, or a stable signed-out), write a PNG of the window. */
    private void snapshotWhenStable(Path file) {
        AtomicBoolean done = new AtomicBoolean();
        loop.onState(s -> {
            boolean stable = s.phase() == Phase.SIGNED_IN || (s.phase() == Phase.SIGNED_OUT && s.serviceProblem().isEmpty());
            if (stable && done.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    window.open(Page.OVERVIEW);
                    Platform.runLater(() -> {
                        try {
                            WritableImage img = window.root().getScene().snapshot(null);
                            BufferedImage out = new BufferedImage((int) img.getWidth(), (int) img.getHeight(), BufferedImage.TYPE_INT_ARGB);
                            var reader = img.getPixelReader();
                            for (int y = 0; y < out.getHeight(); y++) {
                                for (int x = 0; x < out.getWidth(); x++) {
                                    out.setRGB(x, y, reader.getArgb(x, y));
                                }
                            }
                            Files.createDirectories(file.toAbsolutePath().getParent());
                            Path partial = file.resolveSibling(file.getFileName() + ".partial");
                            ImageIO.write(out, "png", partial.toFile());
                            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                            LOG.info("Snapshot written to {} (phase {})", file, s.phase());
                        } catch (Exception e) {
                            LOG.error("Snapshot failed", e);
                        }
                    });
                });
            }
        });
    }

    /** The check with the service's facts; the self test also asks the service to reach one resource. */
    ConnectivityCheck.Report runConnectivityCheck(boolean selfTest) {
        UiState s = loop.state();
        Optional<dev.flint.ipc.ResourceView> resource = selfTest
                ? dev.flint.gui.diagnostics.SelfTest.pickResource(s.resources()) : Optional.empty();
        Optional<dev.flint.ipc.ServiceMessage.DiagnosticsResult> facts = Optional.empty();
        Optional<String> problem = Optional.empty();
        try {
            facts = Optional.of(serviceDiagnostics.request(resource.map(dev.flint.ipc.ResourceView::id).orElse(null),
                    id -> loop.post(new ControllerEvent.RunDiagnostics(id))).get(20, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            problem = Optional.of(e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            problem = Optional.of("The tunnel service did not answer within 20 s.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = Optional.of("The check was interrupted.");
        }
        Optional<String> name = selfTest ? Optional.of(resource.map(dev.flint.ipc.ResourceView::name)
                .orElse("(no resource with a single address to test)")) : Optional.empty();
        ConnectivityCheck.Report report = new ConnectivityCheck(Duration.ofSeconds(5), Clock.systemUTC()).run(
                new ConnectivityCheck.Inputs(s.effectiveAuthUrl(), s.advanced().apiUrl(), facts, problem, name));
        LOG.info("Connectivity {}:\n{}", selfTest ? "self test" : "check", report.text());
        return report;
    }

    private static void copy(String text) {
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
    }

    @Override
    public void stop() {
        if (tray != null) {
            tray.close();
        }
        if (loop != null) {
            loop.close();
        }
        instance.close();
        if (sessionBus != null) {
            sessionBus.disconnect();
        }
    }

    /** The UI side of effects, marshalled onto the JavaFX thread. */
    private final class FxUi implements UiSink {
        @Override
        public void showWindow(Page page) {
            Platform.runLater(() -> window.open(page));
        }

        @Override
        public void showError(String sentence) {
            Platform.runLater(() -> {
                Alert a = new Alert(Alert.AlertType.ERROR, sentence);
                a.setTitle("Flint");
                a.setHeaderText(null);
                a.initOwner(window.stage().isShowing() ? window.stage() : null);
                a.show();
            });
        }

        @Override
        public void logsCleared(Optional<String> error) {
            Platform.runLater(() -> window.logsCleared(error));
        }

        @Override
        public void copyToClipboard(String text) {
            Platform.runLater(() -> copy(text));
        }

        @Override
        public void diagnostics(dev.flint.ipc.ServiceMessage.DiagnosticsResult result) {
            serviceDiagnostics.deliver(result);
        }

        @Override
        public void diagnosticsUnavailable(String sentence) {
            serviceDiagnostics.unavailable(sentence);
        }

        @Override
        public void exit(int status) {
            Platform.runLater(() -> {
                Platform.exit();
                Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                    System.exit(status);
                });
            });
        }
    }

    /** What the window asks of the app. */
    private final class Shell implements WindowShell {
        private final LogFiles logs;
        private final UrlOpener opener;

        Shell(LogFiles logs, UrlOpener opener) {
            this.logs = logs;
            this.opener = opener;
        }

        @Override
        public void send(ControllerEvent event) {
            loop.post(event);
        }

        @Override
        public void copyToClipboard(String text) {
            copy(text);
        }

        @Override
        public void openUrl(URI url) {
            try {
                opener.open(url);
            } catch (Exception e) {
                LOG.warn("Opening {} failed: {}", url, e.toString());
            }
        }

        @Override
        public LogFiles logFiles() {
            return logs;
        }

        @Override
        public Optional<Path> chooseExportFile(String defaultFileName) {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export logs");
            fc.setInitialFileName(defaultFileName);
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Zip", "*.zip"));
            return Optional.ofNullable(fc.showSaveDialog(window.stage())).map(java.io.File::toPath);
        }

        @Override
        public ConnectivityCheck.Report checkConnectivity(boolean selfTest) {
            return runConnectivityCheck(selfTest);
        }

        @Override
        public String version() {
            return version;
        }

        @Override
        public Optional<String> deviceId() {
            return loop.state().deviceId();
        }
    }
}
