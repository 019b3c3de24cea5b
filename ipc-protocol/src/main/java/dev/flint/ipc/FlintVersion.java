package dev.flint.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The Flint release version, written into a resource by the build (Maven resource filtering), so
 * {@code flint-tunnel --version}, the {@code Hello} message and the portal User-Agent agree.
 */
public final class FlintVersion {
    private static final String RESOURCE = "flint-version.properties";
    private static final String VERSION = load();

    private FlintVersion() {}

    /** For example {@code 0.1.0-SNAPSHOT}; {@code unknown} only if the resource is missing (a broken build). */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = FlintVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown").strip();
            return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
