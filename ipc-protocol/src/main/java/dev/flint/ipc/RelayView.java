package dev.flint.ipc;

import java.util.List;
import java.util.UUID;

/**
 * A TURN relay the portal gave the session, with its current credentials, so the GUI's connectivity check can
 * test STUN and TURN against it. The password is short-lived (TURN REST scheme) and only crosses the local IPC.
 */
public record RelayView(UUID id, List<String> addresses, String username, String password) {
    public RelayView {
        InvalidFieldException.requireNonNull(id, "id");
        addresses = InvalidFieldException.requireElements(addresses, "addresses");
        InvalidFieldException.requireNonNull(username, "username");
        InvalidFieldException.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RelayView[id=" + id + ", addresses=" + addresses + ", username=" + username + ", password=<redacted>]";
    }
}
