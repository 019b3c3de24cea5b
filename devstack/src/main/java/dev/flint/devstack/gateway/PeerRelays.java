package dev.flint.devstack.gateway;

import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.turn.RelayCredentials;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The portal's relay entries as the peer node takes them: the portal lists a dual-stack relay once per address
 * family under one id, so entries with the same id become one relay with both addresses. STUN-only entries carry
 * no credentials and are left out.
 */
final class PeerRelays {
    private PeerRelays() {
    }

    static List<Relay> of(List<dev.flint.connlib.portal.Relay> entries) {
        Map<UUID, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        Map<UUID, RelayCredentials> credentials = new LinkedHashMap<>();
        for (dev.flint.connlib.portal.Relay entry : entries) {
            if (entry instanceof dev.flint.connlib.portal.Relay.Turn turn) {
                addresses.computeIfAbsent(turn.id(), id -> new ArrayList<>()).add(turn.addr());
                credentials.putIfAbsent(turn.id(), new RelayCredentials(turn.username(), turn.password()));
            }
        }
        List<Relay> out = new ArrayList<>();
        addresses.forEach((id, list) -> out.add(new Relay(id, list, credentials.get(id))));
        return out;
    }
}
