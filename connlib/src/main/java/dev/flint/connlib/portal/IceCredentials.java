package dev.flint.connlib.portal;

import java.util.Objects;

/** ICE short-term credentials (ufrag and password) handed out by the portal. */
public record IceCredentials(String username, String password) {

    public IceCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "IceCredentials[username=" + username + ", password=…]";
    }
}
