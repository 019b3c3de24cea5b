package dev.flint.gui.tray;

import dev.flint.gui.controller.ControllerEvent;
import java.net.URI;

/** What clicking a menu item does. */
public sealed interface MenuAction {

    /** Hand an event to the controller. */
    record Send(ControllerEvent event) implements MenuAction {
    }

    /** Put the text on the clipboard. */
    record Copy(String text) implements MenuAction {
    }

    /** Open the URL in the default browser. */
    record Open(URI url) implements MenuAction {
    }
}
