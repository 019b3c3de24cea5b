package dev.flint.gui.app;

import dev.flint.gui.platform.GuiEndpoints;
import dev.flint.gui.platform.LocalEndpoint;
import dev.flint.gui.platform.windows.WindowsUser;
import dev.flint.gui.settings.AppDirs;
import dev.flint.gui.signin.SingleInstance;
import dev.flint.ipc.InstanceMessage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Application;

/** Parses the command line, enforces one instance per user, and starts the app. */
public final class Launcher {

    private Launcher() {
    }

    public static String version() {
        String v = Launcher.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** Returns the exit status (the JavaFX app itself exits through {@code System.exit} on Quit). */
    public static int run(List<String> args, Map<String, String> env) {
        Options o = Options.parse(args, env);
        if (o.error().isPresent()) {
            System.err.println("flint-gui: " + o.error().get() + "\n");
            System.err.print(Options.USAGE);
            return 2;
        }
        switch (o.command()) {
            case VERSION -> {
                System.out.println("flint-gui " + version());
                return 0;
            }
            case HELP -> {
                System.out.print(Options.USAGE);
                return 0;
            }
            default -> {
            }
        }
        if ("root".equals(System.getProperty("user.name"))) {
            System.err.println("flint-gui: warning: running as root; the app is meant to run as your normal user "
                    + "(the tunnel service does the privileged work).");
        }
        AppDirs dirs = o.dataDir().map(AppDirs::under).orElseGet(AppDirs::forCurrentUser);
        String osName = System.getProperty("os.name", "");
        LocalEndpoint instanceEndpoint;
        try {
            instanceEndpoint = GuiEndpoints.instance(dirs, osName, WindowsUser::sid);
        } catch (IOException e) {
            System.err.println("flint-gui: Flint can't tell who you are: " + e.getMessage());
            return 1;
        }
        if (o.command() == Options.Command.OPEN_DEEP_LINK) {
            try {
                SingleInstance.forward(instanceEndpoint, new InstanceMessage.DeepLink(URI.create(o.deepLink().orElseThrow())),
                        10, Duration.ofSeconds(5));
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("flint-gui: " + e.getMessage());
                return 1;
            }
        }
        Optional<SingleInstance> instance;
        try {
            instance = SingleInstance.tryAcquire(dirs.launchLock(), instanceEndpoint);
        } catch (IOException e) {
            System.err.println("flint-gui: Flint can't use its data directory " + dirs.session() + ": " + e.getMessage());
            return 1;
        }
        if (instance.isEmpty()) {
            try {
                SingleInstance.forward(instanceEndpoint, new InstanceMessage.NewInstance(), 3, Duration.ofSeconds(5));
                return 0;
            } catch (IOException e) {
                System.err.println("flint-gui: " + e.getMessage());
                return 1;
            }
        }
        Path log;
        try {
            log = GuiLogging.start(dirs.logs(), env.getOrDefault("FLINT_LOG", "info"));
        } catch (IOException e) {
            System.err.println("flint-gui: can't write logs to " + dirs.logs() + ": " + e.getMessage());
            log = null;
        }
        org.slf4j.LoggerFactory.getLogger(Launcher.class).info("flint-gui {} starting; service socket {}", version(), o.serviceSocket());
        LeanToolkit.apply();
        FlintApp.prepare(o, instance.get(), dirs, log, version());
        Application.launch(FlintApp.class);
        return 0;
    }
}
