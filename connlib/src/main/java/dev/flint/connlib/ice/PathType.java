package dev.flint.connlib.ice;

/** How a nominated pair reaches the peer: directly, through a NAT binding, or through a relay. */
public enum PathType {
    DIRECT,
    SERVER_REFLEXIVE,
    RELAYED;

    static PathType of(Candidate local, Candidate remote) {
        if (local.type() == CandidateType.RELAYED || remote.type() == CandidateType.RELAYED) {
            return RELAYED;
        }
        if (local.type() == CandidateType.HOST && remote.type() == CandidateType.HOST) {
            return DIRECT;
        }
        return SERVER_REFLEXIVE;
    }
}
