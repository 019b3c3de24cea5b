package dev.flint.gui.app;

import dev.flint.ipc.logging.LogControl;
import dev.flint.ipc.logging.LogFilter;
import dev.flint.ipc.logging.LogFilterParse;
import dev.flint.ipc.logging.LogSettings;
import dev.flint.ipc.logging.LogSetup;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The GUI's logs through the shared set-up of the ipc module: {@code gui.log} rotated by size with a
 * total cap, plus standard error. The level follows the service's log filter (or the managed one).
 */
public final class GuiLogging {

    private static volatile LogControl control;

    private GuiLogging() {
    }

    /** Starts file logging in {@code dir}; returns the file being written. */
    public static Path start(Path dir, String filter) throws IOException {
        LogFilter f = LogFilter.parse(filter) instanceof LogFilterParse.Valid(LogFilter valid) ? valid : LogFilter.INFO;
        control = LogSetup.install(LogSettings.defaults(dir, "gui").withConsole(true).withFilter(f));
        return control.activeFile();
    }

    /** Applies a Firezone-style filter ({@code info}, {@code dev.flint=debug,info}); invalid ones are logged and ignored. */
    public static void apply(String filter) {
        LogControl c = control;
        if (c == null) {
            return;
        }
        if (c.applyFilter(filter) instanceof LogFilterParse.Invalid invalid) {
            LoggerFactory.getLogger(GuiLogging.class).warn("Ignoring invalid log filter: {}", invalid.sentence());
        }
    }
}
