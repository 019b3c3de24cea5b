package dev.flint.connlib.ice;

import java.time.Instant;

/** Mutable check state of one local/remote pair inside an {@link IceAgent}. */
final class CandidatePair {
    enum State { WAITING, IN_PROGRESS, SUCCEEDED, FAILED }

    final Candidate local;
    Candidate remote;
    State state = State.WAITING;
    /** The local candidate the last success response mapped us to (srflx/prflx behind a NAT). */
    Candidate validLocal;
    int unanswered;
    Instant nextCheck;
    boolean nominateOnSuccess;
    boolean nominated;
    boolean useCandidateInFlight;
    /** Controlled side: when the controlling agent last nominated this pair (a check with USE-CANDIDATE). */
    Instant lastUseCandidate;
    /** Round trip of the latest answered check on this pair (request sent to success response received). */
    java.time.Duration rtt;

    CandidatePair(Candidate local, Candidate remote) {
        this.local = local;
        this.remote = remote;
    }

    /** RFC 8445 §6.1.2.3 pair priority; G is the controlling agent's candidate. */
    long priority(IceRole role) {
        long g = role == IceRole.CONTROLLING ? local.priority() : remote.priority();
        long d = role == IceRole.CONTROLLING ? remote.priority() : local.priority();
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }

    boolean matches(java.net.InetSocketAddress localAddress, java.net.InetSocketAddress remoteAddress) {
        return local.address().equals(localAddress) && remote.address().equals(remoteAddress);
    }

    NominatedPair asNominated() {
        return new NominatedPair(validLocal != null ? validLocal : local, remote, local.address(), remote.address());
    }

    @Override
    public String toString() {
        return local + " -> " + remote + " " + state + (nominated ? " nominated" : "");
    }
}
