package dev.flint.ipc.transport;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Unix peer credentials as the kernel recorded them when the peer connected ({@code SO_PEERCRED}
 * on Linux, {@code getpeereid} + {@code LOCAL_PEERPID} on macOS). They cannot be forged by the peer.
 * On Linux {@code process} also holds the peer process itself (a pidfd, or the pid with its start
 * time), so facts read about {@code pid} can be confirmed to be that process's.
 */
public record PeerCredentials(long uid, long gid, OptionalLong pid, Optional<PeerProcess> process)
        implements PeerIdentity {

    public PeerCredentials {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(process, "process");
    }

    /** Credentials without a held process (macOS, tests). */
    public PeerCredentials(long uid, long gid, OptionalLong pid) {
        this(uid, gid, pid, Optional.empty());
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
