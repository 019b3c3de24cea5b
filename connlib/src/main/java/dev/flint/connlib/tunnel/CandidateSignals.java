package dev.flint.connlib.tunnel;

import dev.flint.connlib.ice.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ICE candidates on their way to the portal, per connection. Those gathered in one step go out as one message,
 * highest priority first (Firezone batches per tick and signals by priority). While the portal is out of reach they
 * are held back as a net difference, a candidate added and removed again cancelling out, and sent on the next join
 * (Firezone's {@code PortalConnection} does the same), so a reconnect neither loses nor repeats them.
 */
final class CandidateSignals {
    /** Candidates to add and to remove for one connection. */
    record Batch(UUID connection, List<String> added, List<String> removed) {
    }

    private final Map<UUID, Set<String>> added = new LinkedHashMap<>();
    private final Map<UUID, Set<String>> removed = new LinkedHashMap<>();

    void add(UUID connection, String candidate) {
        Set<String> gone = removed.get(connection);
        if (gone == null || !gone.remove(candidate)) {
            added.computeIfAbsent(connection, id -> new LinkedHashSet<>()).add(candidate);
        }
    }

    void remove(UUID connection, String candidate) {
        Set<String> fresh = added.get(connection);
        if (fresh == null || !fresh.remove(candidate)) {
            removed.computeIfAbsent(connection, id -> new LinkedHashSet<>()).add(candidate);
        }
    }

    /** A connection that is gone needs none of its signals. */
    void forget(UUID connection) {
        added.remove(connection);
        removed.remove(connection);
    }

    /** Everything held, per connection, the candidates sorted by priority (highest first); empties the store. */
    List<Batch> drain() {
        Set<UUID> connections = new LinkedHashSet<>(added.keySet());
        connections.addAll(removed.keySet());
        List<Batch> out = new ArrayList<>();
        for (UUID id : connections) {
            List<String> add = byPriority(added.getOrDefault(id, Set.of()));
            List<String> remove = byPriority(removed.getOrDefault(id, Set.of()));
            if (!add.isEmpty() || !remove.isEmpty()) {
                out.add(new Batch(id, add, remove));
            }
        }
        added.clear();
        removed.clear();
        return out;
    }

    private static List<String> byPriority(Set<String> sdp) {
        return sdp.stream().sorted(Comparator.comparingLong(CandidateSignals::priority).reversed()).toList();
    }

    private static long priority(String sdp) {
        return Candidate.parse(sdp) instanceof Candidate.ParseResult.Parsed(Candidate c) ? c.priority() : 0;
    }
}
