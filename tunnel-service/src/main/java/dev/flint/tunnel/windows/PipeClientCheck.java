package dev.flint.tunnel.windows;

import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.ipc.transport.PipeClientIdentity;
import dev.flint.tunnel.os.PeerCheck;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the service's pipe on Windows. The pipe's DACL already admits only SYSTEM and
 * interactive users; this checks, as Firezone's peer check does with {@code /proc/<pid>/exe}, that
 * the client process ({@code GetNamedPipeClientProcessId}) runs the installed GUI, so another
 * program of the same user cannot drive the tunnel. Windows paths compare without case.
 */
public final class PipeClientCheck implements PeerCheck {
    private final ProcessImages images;
    private final Optional<String> requiredImage;

    /** @param requiredImage the GUI's executable, or empty to admit any (development) */
    public PipeClientCheck(ProcessImages images, Optional<String> requiredImage) {
        this.images = images;
        this.requiredImage = requiredImage;
    }

    @Override
    public Optional<String> check(PeerIdentity peer) {
        if (!(peer instanceof PipeClientIdentity(long pid, long sessionId))) {
            return Optional.of("the operating system did not say which process opened the pipe");
        }
        if (requiredImage.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> image = images.imagePath(pid);
        if (image.isEmpty()) {
            return Optional.of("the executable of process " + pid + " could not be read");
        }
        if (!image.get().toLowerCase(Locale.ROOT).equals(requiredImage.get().toLowerCase(Locale.ROOT))) {
            return Optional.of("process " + pid + " (session " + sessionId + ") runs " + image.get() + ", not "
                    + requiredImage.get());
        }
        return Optional.empty();
    }
}
