package dev.flint.gui;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code flint-gui}. */
public final class FlintGui {

    private FlintGui() {
    }

    public static void main(String[] args) {
        List<String> argv = Arrays.asList(args);
        if (argv.contains("--version")) {
            String v = FlintGui.class.getPackage().getImplementationVersion();
            System.out.println("flint-gui " + (v == null ? "development build" : v));
            return;
        }
        System.err.println("flint-gui: the tray application is not built yet (see the README status table).");
        System.exit(3);
    }
}
