package dev.flint.ipc.transport;

import java.util.OptionalLong;

/**
 * Unix peer credentials as the kernel recorded them when the peer connected ({@code SO_PEERCRED}
 * on Linux, {@code getpeereid} + {@code LOCAL_PEERPID} on macOS). They cannot be forged by the peer.
 */
public record PeerCredentials(long uid, long gid, OptionalLong pid) implements PeerIdentity {
    public boolean isRoot() {
        return uid == 0;
    }
}
