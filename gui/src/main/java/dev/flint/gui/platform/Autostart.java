package dev.flint.gui.platform;

import java.io.IOException;

/** Start-on-login for the current user. */
public interface Autostart {

    void set(boolean enabled) throws IOException;

    boolean enabled();
}
