package dev.flint.connlib.peer;

import dev.flint.connlib.turn.RelayCredentials;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

/**
 * A TURN relay as the portal announces it: one id, one address per family (the portal's v4 and v6
 * entries with the same id merged), long-term credentials. Relays listen on port 3478.
 */
public record Relay(UUID id, List<InetSocketAddress> addresses, RelayCredentials credentials) {
    public static final int PORT = 3478;

    public Relay {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a relay needs an address");
        }
    }
}
