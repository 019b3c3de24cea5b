package dev.flint.gui.platform;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/** Opens a URL in the user's default browser. */
public interface UrlOpener {

    void open(URI url) throws IOException;

    /**
     * {@code xdg-open} on Linux, {@code open} on macOS, the shell's URL handler on Windows; or the
     * program named by {@code FLINT_BROWSER} (the devstack demo's unattended sign-in follower).
     */
    static UrlOpener system() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String browser = System.getenv("FLINT_BROWSER");
        List<String> prefix = browser != null && !browser.isBlank() ? List.of(browser)
                : os.startsWith("windows") ? List.of("rundll32", "url.dll,FileProtocolHandler")
                : os.contains("mac") ? List.of("open") : List.of("xdg-open");
        return url -> {
            if (!List.of("https", "http").contains(String.valueOf(url.getScheme()).toLowerCase(java.util.Locale.ROOT))) {
                throw new IOException("Flint only opens web addresses, not " + url.getScheme() + ": links.");
            }
            var cmd = new java.util.ArrayList<>(prefix);
            cmd.add(url.toString());
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        };
    }
}
