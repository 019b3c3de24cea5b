package dev.flint.tunnel.macos;

import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.tunnel.os.PeerCheck;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * Who may use the service's socket on macOS. The socket is {@code root:flint-client 0660}, so the
 * kernel already refuses users outside the group; this checks that the peer ({@code LOCAL_PEERPID})
 * runs the installed GUI, as the Linux check does with {@code /proc/<pid>/exe}.
 */
public final class MacPeerCheck implements PeerCheck {
    /** The pkg installs the app bundle here; jpackage names the launcher after the app. */
    public static final String INSTALLED_GUI = "/Applications/Flint.app/Contents/MacOS/Flint";

    private final LongFunction<Optional<String>> executables;
    private final Optional<String> requiredExecutable;

    public MacPeerCheck(LongFunction<Optional<String>> executables, Optional<String> requiredExecutable) {
        this.executables = executables;
        this.requiredExecutable = requiredExecutable;
    }

    @Override
    public Optional<String> check(PeerIdentity peer) {
        if (!(peer instanceof PeerCredentials(long uid, long gid, OptionalLong pid, var process))) {
            return Optional.of("the operating system did not say who the peer is");
        }
        if (requiredExecutable.isEmpty()) {
            return Optional.empty();
        }
        if (pid.isEmpty()) {
            return Optional.of("the kernel did not name the peer's process");
        }
        Optional<String> executable = executables.apply(pid.getAsLong());
        if (executable.isEmpty()) {
            return Optional.of("the peer's executable could not be read");
        }
        if (!executable.get().equals(requiredExecutable.get())) {
            return Optional.of("the peer runs " + executable.get() + ", not " + requiredExecutable.get());
        }
        return Optional.empty();
    }
}
