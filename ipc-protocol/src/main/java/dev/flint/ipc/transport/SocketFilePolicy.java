package dev.flint.ipc.transport;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Who may connect to a socket file: its mode, an optional owning group, and the mode of its parent
 * directory if the server has to create it. Connecting needs write permission on the socket.
 */
public record SocketFilePolicy(Set<PosixFilePermission> socketMode, Optional<String> group,
                               Set<PosixFilePermission> directoryMode) {
    public SocketFilePolicy {
        socketMode = Set.copyOf(socketMode);
        directoryMode = Set.copyOf(directoryMode);
    }

    /** The tunnel service socket: {@code 0660}, group {@code flint-client} (members may run the GUI). */
    public static SocketFilePolicy tunnelService() {
        return new SocketFilePolicy(PosixFilePermissions.fromString("rw-rw----"), Optional.of("flint-client"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** {@code 0660} without changing the group: the file keeps the creating process's group. */
    public static SocketFilePolicy groupReadWrite() {
        return new SocketFilePolicy(PosixFilePermissions.fromString("rw-rw----"), Optional.empty(),
                PosixFilePermissions.fromString("rwxr-x---"));
    }

    /** A per-user socket (single instance): only the owner may connect. */
    public static SocketFilePolicy ownerOnly() {
        return new SocketFilePolicy(PosixFilePermissions.fromString("rw-------"), Optional.empty(),
                PosixFilePermissions.fromString("rwx------"));
    }
}
