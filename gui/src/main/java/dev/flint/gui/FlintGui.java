package dev.flint.gui;

import dev.flint.gui.app.Launcher;

/** Entry point of {@code flint-gui}. */
public final class FlintGui {

    private FlintGui() {
    }

    public static void main(String[] args) {
        System.exit(Launcher.run(java.util.Arrays.asList(args), System.getenv()));
    }
}
