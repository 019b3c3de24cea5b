package dev.flint.gui.platform;

import java.net.URI;
import java.util.Optional;

/** Desktop notifications. Fire and forget: failures are logged, never shown as errors. */
public interface Notifier {

    /** Shows a notification; clicking it opens {@code click} if present. */
    void notify(String title, String body, Optional<URI> click);
}
