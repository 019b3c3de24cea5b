package dev.flint.gui.tray;

import java.util.List;

/**
 * Shows Flint's icon and menu somewhere on the desktop. Chosen once at start-up; clicks come back
 * as {@link MenuAction}s through the consumer given to the backend.
 */
public interface TrayBackend extends AutoCloseable {

    /** Replaces icon, tooltip and menu; a backend skips the parts that did not change. */
    void show(List<MenuItem> menu, TrayIconState icon, String tooltip);

    /** For logs and the About page. */
    String name();

    @Override
    void close();
}
