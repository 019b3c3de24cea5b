package dev.flint.connlib.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.ice.Candidate;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CandidateBatchTest {
    static final UUID A = new UUID(0, 0xA);
    static final UUID B = new UUID(0, 0xB);

    /**
     * Firezone's drain_node_events collects a tick's new candidates per connection in an ordered set and signals
     * them highest priority first; gathering order (relay first here) does not leak onto the wire.
     */
    @Test
    void firezoneSignalsATicksCandidatesByPriorityHighestFirst() {
        Candidate host = Candidate.host(new InetSocketAddress("10.0.0.10", 52625));
        Candidate srflx = Candidate.serverReflexive(new InetSocketAddress("198.51.100.1", 40000), host.address());
        Candidate relay = Candidate.relayed(new InetSocketAddress("192.0.2.100", 50000),
            new InetSocketAddress("192.0.2.100", 3478));

        CandidateBatch batch = new CandidateBatch();
        batch.add(A, relay);
        batch.add(B, srflx);
        batch.add(A, srflx);
        batch.add(A, host);
        batch.add(A, relay); // the same candidate twice in one tick is signalled once
        ArrayDeque<PeerEvent> events = new ArrayDeque<>();
        batch.drainInto(events);

        assertThat(List.copyOf(events)).containsExactly(
            new PeerEvent.NewIceCandidate(A, host.toSdp()),
            new PeerEvent.NewIceCandidate(A, srflx.toSdp()),
            new PeerEvent.NewIceCandidate(A, relay.toSdp()),
            new PeerEvent.NewIceCandidate(B, srflx.toSdp()));
        assertThat(host.priority()).isGreaterThan(srflx.priority());
        assertThat(srflx.priority()).isGreaterThan(relay.priority());
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void aRemovedConnectionsPendingCandidatesAreNotSignalled() {
        CandidateBatch batch = new CandidateBatch();
        batch.add(A, Candidate.host(new InetSocketAddress("10.0.0.10", 52625)));
        batch.forget(A);
        ArrayDeque<PeerEvent> events = new ArrayDeque<>();
        batch.drainInto(events);
        assertThat(events).isEmpty();
    }
}
