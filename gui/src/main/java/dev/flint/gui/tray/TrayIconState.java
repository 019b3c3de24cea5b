package dev.flint.gui.tray;

import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;

/** Which icon layers the tray shows: base look plus the update badge. */
public record TrayIconState(Look look, boolean updateReady) {

    public enum Look { SIGNED_IN, SIGNED_OUT, BUSY }

    public static TrayIconState of(UiState s) {
        Look look = switch (s.phase()) {
            case SIGNED_IN -> Look.SIGNED_IN;
            case SIGNED_OUT, PAUSED -> Look.SIGNED_OUT;
            case LOADING, WAITING_FOR_SERVICE, WAITING_FOR_BROWSER, CONNECTING_TO_PORTAL, RAISING_TUNNEL, QUITTING -> Look.BUSY;
        };
        return new TrayIconState(look, s.update().isPresent());
    }

    /** The tooltip: the app name plus what is going on. */
    public static String tooltip(UiState s) {
        return switch (s.phase()) {
            case SIGNED_IN -> "Flint: connected";
            case PAUSED -> "Flint: disconnected";
            case SIGNED_OUT -> "Flint: signed out";
            case WAITING_FOR_SERVICE -> "Flint: waiting for the tunnel service";
            case Phase p -> "Flint";
        };
    }
}
