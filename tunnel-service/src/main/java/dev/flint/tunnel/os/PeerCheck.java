package dev.flint.tunnel.os;

import dev.flint.ipc.transport.PeerIdentity;
import java.util.Optional;

/**
 * Who may drive the tunnel, decided from what the OS says about the connecting process before a
 * byte is read: on Linux its user's groups and executable from {@code /proc}; on macOS its
 * executable from the kernel's process table; on Windows the image of the pipe client's process.
 */
@FunctionalInterface
public interface PeerCheck {

    /** Empty when the peer is admitted, otherwise why not (logged). */
    Optional<String> check(PeerIdentity peer);

    /** Admits anyone the endpoint's own permissions let in: development only. */
    static PeerCheck endpointPermissionsOnly() {
        return peer -> Optional.empty();
    }
}
