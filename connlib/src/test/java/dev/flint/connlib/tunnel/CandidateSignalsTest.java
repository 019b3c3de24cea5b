package dev.flint.connlib.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CandidateSignalsTest {
    static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final String HOST = "candidate:1 1 udp 2130706175 10.0.0.2 52625 typ host";
    static final String SRFLX = "candidate:2 1 udp 1694498559 198.51.100.1 52625 typ srflx";
    static final String RELAY = "candidate:3 1 udp 16776959 192.0.2.10 49152 typ relay";

    /**
     * Firezone's drain_node_events collects a tick's new candidates per connection in an ordered set and signals
     * them highest priority first; gathering order (relay first here) does not leak onto the wire.
     */
    @Test
    void firezoneSignalsATicksCandidatesPerConnectionByPriorityHighestFirst() {
        CandidateSignals s = new CandidateSignals();
        s.add(A, RELAY);
        s.add(A, HOST);
        s.add(B, SRFLX);
        s.add(A, SRFLX);
        s.add(A, RELAY); // the same candidate twice in one tick is signalled once
        assertThat(s.drain()).containsExactly(
            new CandidateSignals.Batch(A, List.of(HOST, SRFLX, RELAY), List.of()),
            new CandidateSignals.Batch(B, List.of(SRFLX), List.of()));
        assertThat(s.drain()).isEmpty();
    }

    @Test
    void heldBackWhileThePortalIsAwayTheNetDifferenceIsSentOnce() {
        CandidateSignals s = new CandidateSignals();
        s.add(A, HOST);
        s.remove(A, HOST); // added and withdrawn before the portal heard of either: nothing to say
        s.remove(A, RELAY);
        s.add(A, RELAY); // withdrawn, then found again: the peer still has it
        s.add(A, SRFLX);
        s.add(B, HOST);
        s.forget(B); // a connection that is gone needs none of its signals
        assertThat(s.drain()).containsExactly(new CandidateSignals.Batch(A, List.of(SRFLX), List.of()));
    }
}
