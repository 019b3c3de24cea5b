package dev.flint.icons;

import java.net.URL;
import java.util.List;
import java.util.Optional;

/**
 * The rendered icons shipped in this module. Sources are the SVG files in {@code icons/src/svg};
 * {@code icons/render.sh} renders each of them at every size in {@link #SIZES}.
 */
public final class Icons {

    /** The application icon, named after the app id so desktops find it by that name. */
    public static final String APP = "dev.flint.client";

    /** Square pixel sizes rendered for every icon: the hicolor theme's set up to 512. */
    public static final List<Integer> SIZES = List.of(16, 22, 24, 32, 48, 64, 128, 256, 512);

    private Icons() {
    }

    /** The PNG of icon {@code name} at {@code size}×{@code size} pixels, if that size was rendered. */
    public static Optional<URL> png(String name, int size) {
        return Optional.ofNullable(Icons.class.getResource(size + "x" + size + "/" + name + ".png"));
    }

    /** The smallest rendered size at least {@code minimum} pixels wide, or the largest there is. */
    public static int sizeAtLeast(int minimum) {
        return SIZES.stream().filter(s -> s >= minimum).findFirst().orElse(SIZES.getLast());
    }
}
