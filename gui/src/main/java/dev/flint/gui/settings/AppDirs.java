package dev.flint.gui.settings;

import java.nio.file.Path;
import java.util.Map;

/**
 * Per-user directories of the GUI (XDG on Linux, {@code %LOCALAPPDATA%} on Windows) plus the
 * service's log directory, which the GUI reads for log export.
 */
public record AppDirs(Path settings, Path session, Path logs, Path runtime, Path serviceLogs) {

    public static final String APP_ID = "dev.flint.client";

    public static AppDirs forCurrentUser() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")), System.getProperty("os.name", ""));
    }

    static AppDirs from(Map<String, String> env, Path home, String osName) {
        if (osName.toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            Path local = Path.of(env.getOrDefault("LOCALAPPDATA", home.resolve("AppData/Local").toString())).resolve(APP_ID);
            Path programData = Path.of(env.getOrDefault("PROGRAMDATA", "C:\\ProgramData")).resolve(APP_ID);
            return new AppDirs(local.resolve("config"), local.resolve("data"), local.resolve("data").resolve("logs"),
                    local.resolve("data"), programData.resolve("data").resolve("logs"));
        }
        Path config = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config"));
        Path data = xdg(env, "XDG_DATA_HOME", home.resolve(".local/share"));
        Path cache = xdg(env, "XDG_CACHE_HOME", home.resolve(".cache"));
        Path runtime = env.containsKey("XDG_RUNTIME_DIR") && !env.get("XDG_RUNTIME_DIR").isBlank()
                ? Path.of(env.get("XDG_RUNTIME_DIR")) : data;
        return new AppDirs(config.resolve(APP_ID).resolve("config"), data.resolve(APP_ID).resolve("data"),
                cache.resolve(APP_ID).resolve("data").resolve("logs"), runtime.resolve(APP_ID).resolve("data"),
                Path.of("/var/log").resolve(APP_ID));
    }

    /** Everything under one directory: for tests and portable runs. */
    public static AppDirs under(Path root) {
        return new AppDirs(root.resolve("config"), root.resolve("session"), root.resolve("logs"),
                root.resolve("run"), root.resolve("service-logs"));
    }

    public Path generalSettingsFile() {
        return settings.resolve("general_settings.json");
    }

    public Path guiSocket() {
        return runtime.resolve("gui.sock");
    }

    public Path launchLock() {
        return session.resolve("launch.lock");
    }

    private static Path xdg(Map<String, String> env, String key, Path fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() || !Path.of(v).isAbsolute() ? fallback : Path.of(v);
    }
}
