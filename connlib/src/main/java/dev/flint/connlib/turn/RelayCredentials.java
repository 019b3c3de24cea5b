package dev.flint.connlib.turn;

/**
 * Long-term TURN credentials as the portal mints them: username {@code <unix expiry>:<salt>},
 * a password derived from the relay's secret, realm {@code firezone}.
 */
public record RelayCredentials(String username, String password, String realm) {
    public static final String FIREZONE_REALM = "firezone";

    public RelayCredentials(String username, String password) {
        this(username, password, FIREZONE_REALM);
    }

    /** The expiry encoded in the {@code expiry:salt} username, or -1 if it has another form. */
    public long expiresAtEpochSecond() {
        int colon = username.indexOf(':');
        if (colon <= 0) {
            return -1;
        }
        try {
            return Long.parseLong(username.substring(0, colon));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "RelayCredentials[username=" + username + ", realm=" + realm + ", password=redacted]";
    }
}
