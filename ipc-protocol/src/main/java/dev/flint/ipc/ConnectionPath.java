package dev.flint.ipc;

/** The candidate pair a gateway connection sends on: ours ({@code local}) and the gateway's ({@code remote}). */
public record ConnectionPath(PathKind kind, CandidateView local, CandidateView remote) {
    public ConnectionPath {
        InvalidFieldException.requireNonNull(kind, "kind");
        InvalidFieldException.requireNonNull(local, "local");
        InvalidFieldException.requireNonNull(remote, "remote");
    }
}
