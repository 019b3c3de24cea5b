package dev.flint.gui.controller;

/**
 * What the tray and windows show at the top level. {@code PAUSED} is Flint's addition: signed in
 * with a stored token, but the tunnel is down by the user's choice or after an error.
 */
public enum Phase {
    LOADING, WAITING_FOR_SERVICE, SIGNED_OUT, WAITING_FOR_BROWSER, CONNECTING_TO_PORTAL, RAISING_TUNNEL, SIGNED_IN,
    PAUSED, QUITTING;

    public boolean busy() {
        return switch (this) {
            case LOADING, WAITING_FOR_SERVICE, WAITING_FOR_BROWSER, CONNECTING_TO_PORTAL, RAISING_TUNNEL, QUITTING -> true;
            case SIGNED_OUT, SIGNED_IN, PAUSED -> false;
        };
    }
}
