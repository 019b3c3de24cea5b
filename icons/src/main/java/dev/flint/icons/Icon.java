package dev.flint.icons;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The rendered icons (sources in {@code icons/src/svg}, rendered by {@code icons/render.sh}). Each one
 * exists in a few square sizes; {@link #png(int)} returns the PNG bytes of one of them.
 */
public enum Icon {
    /** The application icon, named after the app id so desktops find it by that name. */
    APP("dev.flint.client", 16, 22, 24, 32, 48, 64, 128, 256, 512),
    LOGO("logo", 32, 64, 256),
    LOGO_GREY("logo-grey", 32, 64),
    BUSY_LAYER("busy-layer", 32, 64),
    SIGNED_OUT_LAYER("signed-out-layer", 32, 64),
    UPDATE_LAYER("update-layer", 32, 64),
    STATUS_ONLINE("status-online", 16, 32),
    STATUS_OFFLINE("status-offline", 16, 32),
    STATUS_UNKNOWN("status-unknown", 16, 32);

    private final String file;
    private final int[] sizes;

    Icon(String file, int... sizes) {
        this.file = file;
        this.sizes = sizes;
    }

    public int[] sizes() {
        return sizes.clone();
    }

    /** The PNG at exactly {@code size} pixels, or the nearest larger rendering if that size was not rendered. */
    public byte[] png(int size) {
        int chosen = sizes[sizes.length - 1];
        for (int s : sizes) {
            if (s >= size) {
                chosen = s;
                break;
            }
        }
        String path = file + "-" + chosen + ".png";
        try (InputStream in = Icon.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("icon resource missing: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
