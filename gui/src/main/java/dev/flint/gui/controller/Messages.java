package dev.flint.gui.controller;

/** The sentences users read. Kept together so they stay consistent and plain. */
public final class Messages {

    private Messages() {
    }

    public static final String SERVICE_UNREACHABLE = "Flint can't reach its tunnel service. "
            + "Make sure the flint-tunnel service is installed and running; Flint keeps trying in the background.";
    public static final String SERVICE_NOT_RESPONDING = "The Flint tunnel service is not responding. "
            + "Flint keeps trying; if this goes on, restart the flint-tunnel service.";
    public static final String SERVICE_LOST = "Flint lost the connection to its tunnel service and is reconnecting. "
            + "Your sign-in is kept.";
    public static final String SERVICE_STOPPED_TITLE = "Flint tunnel service stopped";
    public static final String SERVICE_STOPPED = "The Flint tunnel service was shut down. Flint reconnects as soon as it is back.";
    public static final String CONNECTED_TITLE = "Flint connected";
    public static final String CONNECTED = "You are now signed in and able to access resources.";
    public static final String SESSION_EXPIRED_TITLE = "Your Flint sign-in has expired";
    public static final String SESSION_EXPIRED = "To access resources, sign in again.";
    public static final String SETTINGS_SAVED = "Settings saved";
    public static final String SIGN_IN_BEFORE_CONNECT = "Sign in first, then connect.";

    public static String connectFailed(String reason) {
        return "Flint couldn't connect to the portal: " + stripPeriod(reason) + ". Please sign in again.";
    }

    public static String disconnected(String reason) {
        return "Flint was disconnected: " + stripPeriod(reason) + ". You are still signed in; choose Connect to try again.";
    }

    public static String settingsNotSaved(String reason) {
        return "Flint couldn't save the settings: " + stripPeriod(reason) + ".";
    }

    public static String gatewayUnreachableTitle(String resource) {
        return "Failed to connect to '" + resource + "'";
    }

    public static String allGatewaysOffline(String site) {
        return "All Gateways in the site '" + site + "' are offline. Contact your administrator to resolve this issue.";
    }

    public static String gatewayVersionMismatch(String site) {
        return "Your Flint client is incompatible with all Gateways in the site '" + site
                + "'. Please update Flint to the latest version and contact your administrator if the issue persists.";
    }

    static String stripPeriod(String s) {
        String t = s == null ? "unknown error" : s.strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
