package dev.flint.connlib.peer;

import dev.flint.connlib.turn.RelayCredentials;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The portal's relay entries as the peer node takes them. The portal lists a dual-stack relay once per
     * address family under one id, so entries with the same id become one relay with both addresses and the
     * credentials of its first entry (Firezone's {@code RelaySocket::Dual}). STUN-only entries carry no
     * credentials and are left out.
     */
    public static List<Relay> fromPortal(List<dev.flint.connlib.portal.Relay> entries) {
        Map<UUID, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        Map<UUID, RelayCredentials> credentials = new LinkedHashMap<>();
        for (dev.flint.connlib.portal.Relay entry : entries) {
            if (entry instanceof dev.flint.connlib.portal.Relay.Turn turn) {
                List<InetSocketAddress> known = addresses.computeIfAbsent(turn.id(), id -> new ArrayList<>());
                if (!known.contains(turn.addr())) {
                    known.add(turn.addr());
                }
                credentials.putIfAbsent(turn.id(), new RelayCredentials(turn.username(), turn.password()));
            }
        }
        List<Relay> out = new ArrayList<>();
        addresses.forEach((id, list) -> out.add(new Relay(id, list, credentials.get(id))));
        return out;
    }
}
