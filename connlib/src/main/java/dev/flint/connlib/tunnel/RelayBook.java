package dev.flint.connlib.tunnel;

import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.peer.Relay;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The relays a session was told about, for turning the portal's updates into the peer node's: {@code init} replaces
 * the whole set (a relay it no longer lists is removed), {@code relays_presence} adds and removes. Entries are merged
 * by id first ({@link Relay#fromPortal}).
 */
final class RelayBook {
    private final Set<UUID> known = new HashSet<>();

    void update(PeerNode node, List<UUID> gone, List<dev.flint.connlib.portal.Relay> entries, boolean replaceAll,
                Instant now) {
        List<Relay> add = Relay.fromPortal(entries);
        Set<UUID> remove = new HashSet<>(gone);
        if (replaceAll) {
            Set<UUID> listed = new HashSet<>();
            add.forEach(r -> listed.add(r.id()));
            known.stream().filter(id -> !listed.contains(id)).forEach(remove::add);
        }
        known.removeAll(remove);
        add.forEach(r -> known.add(r.id()));
        node.updateRelays(remove, add, now);
    }
}
