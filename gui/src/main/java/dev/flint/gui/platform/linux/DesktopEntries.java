package dev.flint.gui.platform.linux;

import dev.flint.gui.platform.Autostart;
import dev.flint.gui.platform.SchemeRegistration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user XDG desktop entries: the hidden deep-link handler in {@code $XDG_DATA_HOME/applications}
 * (made the default for the scheme with {@code xdg-mime}), and the autostart entry in
 * {@code $XDG_CONFIG_HOME/autostart}.
 */
public final class DesktopEntries implements SchemeRegistration, Autostart {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopEntries.class);
    public static final String HANDLER_FILE = "dev.flint.client-deep-link.desktop";
    public static final String AUTOSTART_FILE = "dev.flint.client.desktop";

    private final Path dataHome;
    private final Path configHome;
    private final List<String> launcher;

    /** @param launcher the command that starts {@code flint-gui}, e.g. {@code [/opt/flint/bin/flint-gui]} */
    public DesktopEntries(Path dataHome, Path configHome, List<String> launcher) {
        this.dataHome = dataHome;
        this.configHome = configHome;
        this.launcher = List.copyOf(launcher);
    }

    public static DesktopEntries forCurrentUser(List<String> launcher) {
        Path home = Path.of(System.getProperty("user.home"));
        String data = System.getenv("XDG_DATA_HOME");
        String config = System.getenv("XDG_CONFIG_HOME");
        return new DesktopEntries(data == null || data.isBlank() ? home.resolve(".local/share") : Path.of(data),
                config == null || config.isBlank() ? home.resolve(".config") : Path.of(config), launcher);
    }

    public Path handlerFile() {
        return dataHome.resolve("applications").resolve(HANDLER_FILE);
    }

    public Path autostartFile() {
        return configHome.resolve("autostart").resolve(AUTOSTART_FILE);
    }

    public String handlerEntry() {
        return """
                [Desktop Entry]
                Type=Application
                Name=Flint sign-in handler
                Comment=Completes Flint's browser sign-in
                Exec=%s open-deep-link %%u
                MimeType=x-scheme-handler/%s;
                NoDisplay=true
                Terminal=false
                """.formatted(exec(), SCHEME);
    }

    public String autostartEntry() {
        return """
                [Desktop Entry]
                Type=Application
                Name=Flint
                Comment=Zero-trust access client
                Exec=%s
                Icon=dev.flint.client
                Terminal=false
                X-GNOME-Autostart-enabled=true
                """.formatted(exec());
    }

    @Override
    public void register() throws IOException {
        Path file = handlerFile();
        Files.createDirectories(file.getParent());
        Files.writeString(file, handlerEntry(), StandardCharsets.UTF_8);
        run("xdg-mime", "default", HANDLER_FILE, "x-scheme-handler/" + SCHEME);
        run("update-desktop-database", file.getParent().toString());
    }

    @Override
    public void set(boolean enabled) throws IOException {
        Path file = autostartFile();
        if (enabled) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, autostartEntry(), StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public boolean enabled() {
        return Files.isRegularFile(autostartFile());
    }

    /** Quotes per the Desktop Entry spec: arguments with reserved characters in double quotes. */
    String exec() {
        StringBuilder sb = new StringBuilder();
        for (String arg : launcher) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (arg.matches("[A-Za-z0-9_./=:,@+-]+")) {
                sb.append(arg);
            } else {
                sb.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`")
                        .replace("$", "\\$")).append('"');
            }
        }
        return sb.toString().replace("%", "%%");
    }

    private void run(String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("XDG_DATA_HOME", dataHome.toString());
            pb.environment().put("XDG_CONFIG_HOME", configHome.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.info("{} did not succeed: {}", cmd[0], out.strip());
            }
        } catch (IOException e) {
            LOG.info("{} is not available: {}", cmd[0], e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
