package dev.flint.tunnel.linux;

import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.ipc.transport.PeerProcess;
import dev.flint.tunnel.os.PeerCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who may drive the tunnel: root, or a process whose user is in the client group; and, where the
 * kernel names the peer's pid, only the installed GUI executable (unless told otherwise for
 * development).
 */
public final class PeerPolicy implements PeerCheck {
    public static final Path INSTALLED_GUI = Path.of("/usr/lib/flint/bin/flint-gui");

    private final Optional<Long> clientGroupId;
    private final Optional<Path> requiredExecutable;
    private final Path proc;

    public PeerPolicy(Optional<Long> clientGroupId, Optional<Path> requiredExecutable, Path proc) {
        this.clientGroupId = clientGroupId;
        this.requiredExecutable = requiredExecutable;
        this.proc = proc;
    }

    /** The gid of {@code group} from {@code /etc/group}, if the group exists. */
    public static Optional<Long> groupId(Path etcGroup, String group) {
        try {
            return Files.readAllLines(etcGroup).stream()
                    .map(line -> line.split(":", -1))
                    .filter(f -> f.length >= 3 && f[0].equals(group))
                    .map(f -> Long.parseLong(f[2]))
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Empty when the peer is admitted, otherwise why not. What is read under {@code /proc/<pid>} (executable,
     * groups) is only believed if the peer process still holds that pid afterwards ({@link PeerProcess}: a pidfd on
     * Linux 6.5+, else the pid's start time); otherwise a peer that exited could have its pid handed to another
     * program, say the installed GUI, and be admitted as that program.
     */
    @Override
    public Optional<String> check(PeerIdentity peer) {
        if (!(peer instanceof PeerCredentials(long uid, long gid, OptionalLong pid, Optional<PeerProcess> process))) {
            return Optional.of("the operating system did not say who the peer is");
        }
        Optional<String> refusal = checkFacts(uid, gid, pid);
        if (refusal.isEmpty() && pid.isPresent() && process.isPresent() && !process.get().stillSame()) {
            return Optional.of("the peer (pid " + pid.getAsLong() + ") exited while it was being checked");
        }
        return refusal;
    }

    private Optional<String> checkFacts(long uid, long gid, OptionalLong pid) {
        if (uid != 0 && !inClientGroup(gid, pid)) {
            return Optional.of(clientGroupId.isEmpty()
                    ? "only root may connect while the flint-client group does not exist"
                    : "user " + uid + " is not in the flint-client group");
        }
        if (requiredExecutable.isPresent() && pid.isPresent()) {
            Path exe = proc.resolve(Long.toString(pid.getAsLong())).resolve("exe");
            try {
                Path actual = Files.readSymbolicLink(exe);
                if (!actual.equals(requiredExecutable.get())) {
                    return Optional.of("the peer runs " + actual + ", not " + requiredExecutable.get());
                }
            } catch (IOException e) {
                return Optional.of("the peer's executable could not be read");
            }
        }
        return Optional.empty();
    }

    private boolean inClientGroup(long primaryGid, OptionalLong pid) {
        if (clientGroupId.isEmpty()) {
            return false;
        }
        long wanted = clientGroupId.get();
        if (primaryGid == wanted) {
            return true;
        }
        if (pid.isEmpty()) {
            return false;
        }
        // Supplementary groups are not in SO_PEERCRED; the kernel lists them in the process status.
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid.getAsLong())).resolve("status"))) {
                if (line.startsWith("Groups:")) {
                    return Arrays.stream(line.substring(7).trim().split("\\s+"))
                            .filter(s -> !s.isEmpty()).anyMatch(s -> Long.parseLong(s) == wanted);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
