package dev.flint.connlib.turn;

import dev.flint.connlib.ice.Candidate;

/** Candidates an {@link Allocation} discovered or lost. */
public sealed interface AllocationEvent {
    record CandidateDiscovered(Candidate candidate) implements AllocationEvent {
    }

    record CandidateInvalidated(Candidate candidate) implements AllocationEvent {
    }
}
