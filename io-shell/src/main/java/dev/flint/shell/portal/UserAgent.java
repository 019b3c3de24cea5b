package dev.flint.shell.portal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The portal User-Agent: {@code <OS>/<version> gui-client/<compatible version> (<arch>; <kernel>) flint/<version>}.
 * The portal splits it on spaces and needs a component token it knows ({@code gui-client/…}) to pick features
 * and compatible gateways, so the parts themselves carry no spaces and only ASCII.
 */
public record UserAgent(String osName, String osVersion, String arch, String kernel, String flintVersion) {

    /** The Firezone GUI client version whose portal behaviour Flint matches. */
    public static final String COMPATIBLE_GUI_CLIENT_VERSION = "1.5.17";

    public UserAgent {
        Objects.requireNonNull(osName, "osName");
        Objects.requireNonNull(osVersion, "osVersion");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(flintVersion, "flintVersion");
    }

    public String header() {
        return token(osName) + "/" + token(osVersion) + " gui-client/" + COMPATIBLE_GUI_CLIENT_VERSION + " ("
            + token(arch) + "; " + token(kernel) + ") flint/" + token(flintVersion);
    }

    @Override
    public String toString() {
        return header();
    }

    /** Reads the running system: {@code /etc/os-release} on Linux, else the JVM's view. */
    public static UserAgent detect(String flintVersion) {
        String osName = System.getProperty("os.name", "unknown");
        String osVersion = System.getProperty("os.version", "unknown");
        String kernel = osVersion;
        if (osName.toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                String name = null;
                String version = null;
                for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                    if (line.startsWith("NAME=")) {
                        name = unquote(line.substring(5));
                    } else if (line.startsWith("VERSION_ID=")) {
                        version = unquote(line.substring(11));
                    }
                }
                if (name != null) {
                    osName = name.split("\\s+")[0];
                }
                if (version != null) {
                    osVersion = version;
                }
            } catch (IOException | SecurityException e) {
                // keep the JVM's view
            }
        } else if (osName.startsWith("Windows")) {
            osName = "Windows";
        } else if (osName.startsWith("Mac")) {
            osName = "macOS";
        }
        return new UserAgent(osName, osVersion, arch(System.getProperty("os.arch", "unknown")), kernel, flintVersion);
    }

    static String arch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> javaArch;
        };
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** Printable ASCII only, no spaces or the separators the header uses. */
    private static String token(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != ';' && c != '/') {
                out.append(c);
            } else if (c == ' ' || c == '/') {
                out.append('-');
            }
        }
        return out.isEmpty() ? "unknown" : out.toString();
    }
}
