package dev.flint.connlib.peer;

import dev.flint.connlib.ice.Candidate;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * New local candidates gathered during one tick, per connection, released highest priority first. Firezone's
 * {@code drain_node_events} collects a tick's {@code NewIceCandidate} events into an ordered set per
 * connection before signalling them, so the peer learns the best candidates first; duplicates within a tick
 * collapse.
 */
final class CandidateBatch {

    /** Highest priority first; the SDP text breaks ties so the order never depends on gathering. */
    static final Comparator<Candidate> SIGNALLING_ORDER =
        Comparator.comparingLong((Candidate c) -> c.priority()).reversed()
            .thenComparing(Candidate::toSdp);

    private final Map<UUID, TreeSet<Candidate>> pending = new LinkedHashMap<>();

    void add(UUID connection, Candidate candidate) {
        pending.computeIfAbsent(connection, k -> new TreeSet<>(SIGNALLING_ORDER)).add(candidate);
    }

    void forget(UUID connection) {
        pending.remove(connection);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Moves the batch into {@code events}: connections in first-gathered order, candidates by priority. */
    void drainInto(ArrayDeque<PeerEvent> events) {
        pending.forEach((connection, candidates) ->
            candidates.forEach(c -> events.add(new PeerEvent.NewIceCandidate(connection, c.toSdp()))));
        pending.clear();
    }
}
