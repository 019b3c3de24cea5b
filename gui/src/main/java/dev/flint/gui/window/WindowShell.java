package dev.flint.gui.window;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.diagnostics.ConnectivityCheck;
import dev.flint.gui.diagnostics.LogFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the window needs from the running app. */
public interface WindowShell {

    void send(ControllerEvent event);

    void copyToClipboard(String text);

    void openUrl(URI url);

    LogFiles logFiles();

    /** Asks where to save the log export; empty if the user cancelled. */
    Optional<Path> chooseExportFile(String defaultFileName);

    /**
     * Runs the connectivity check, with {@code selfTest} also one request to a resource and a verdict. Blocks:
     * call it off the UI thread.
     */
    ConnectivityCheck.Report checkConnectivity(boolean selfTest);

    String version();

    /** The device id the service reported, if known. */
    Optional<String> deviceId();
}
