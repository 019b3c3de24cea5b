package dev.flint.ipc.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The process at the other end of a connection, held so that what a server reads about it under
 * {@code /proc/<pid>} (its executable, its groups) can be confirmed to be about that process and not about a newer
 * one that was given the same pid after the peer exited. Read the facts, then ask {@link #stillSame()}: if the
 * process is still the same one, it held the pid throughout, so the pid was not reused in between.
 */
public sealed interface PeerProcess extends AutoCloseable permits PeerProcess.PidFd, PeerProcess.StartTime {

    /** The peer's pid when the connection was accepted. */
    long pid();

    /** Whether the process {@link #pid()} named at accept still runs under that pid now. */
    boolean stillSame();

    @Override
    default void close() {
    }

    /**
     * Linux 6.5+: the kernel's {@code SO_PEERPIDFD}, a pidfd for the peer taken when it connected (as Firezone does).
     * A pidfd refers to one process for good; its {@code fdinfo} says the pid it has, or -1 once it exited.
     */
    final class PidFd implements PeerProcess {
        static final int SO_PEERPIDFD = 77;

        private final int fd;
        private final long pid;
        private final Path fdinfo;
        private volatile boolean closed;

        PidFd(int fd, long pid, Path fdinfo) {
            this.fd = fd;
            this.pid = pid;
            this.fdinfo = fdinfo;
        }

        /** The pidfd of the socket's peer, or empty on kernels before 6.5 (ENOPROTOOPT) and other refusals. */
        static Optional<PidFd> ofPeer(int socketFd) {
            int[] value = new int[1];
            try {
                LibC.INSTANCE.getsockopt(socketFd, SocketPlatform.LINUX.solSocket(), SO_PEERPIDFD, value,
                    new IntByReference(4));
            } catch (LastErrorException | UnsatisfiedLinkError e) {
                return Optional.empty();
            }
            Path info = Path.of("/proc/self/fdinfo", Integer.toString(value[0]));
            OptionalLong pid = pidOf(info);
            if (pid.isEmpty() || pid.getAsLong() <= 0) {
                // Exited already, or in a pid namespace we cannot see into: nothing to pin.
                UnixSocket.closeQuietly(value[0]);
                return Optional.empty();
            }
            return Optional.of(new PidFd(value[0], pid.getAsLong(), info));
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean stillSame() {
            return !closed && pidOf(fdinfo).orElse(-1) == pid;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                UnixSocket.closeQuietly(fd);
            }
        }

        /** The {@code Pid:} line of a pidfd's fdinfo: the pid, -1 once the process exited. */
        static OptionalLong pidOf(Path fdinfo) {
            try {
                for (String line : Files.readAllLines(fdinfo, StandardCharsets.US_ASCII)) {
                    if (line.startsWith("Pid:")) {
                        return OptionalLong.of(Long.parseLong(line.substring(4).strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return OptionalLong.empty();
            }
            return OptionalLong.empty();
        }

        @Override
        public String toString() {
            return "pidfd " + fd + " of pid " + pid;
        }
    }

    /**
     * Without {@code SO_PEERPIDFD}: the pid from {@code SO_PEERCRED} with its start time, read at accept. A process
     * that started after the connection was accepted cannot be the one that connected, so such a pid is never the
     * same; later, the same start time means the pid was not given to another process in between.
     */
    record StartTime(long pid, long startTicks, Path proc) implements PeerProcess {
        /** Marks a pid that already belonged to another, newer process when the connection was accepted. */
        static final long REPLACED = -1;

        /** Reads the pid's start time now, at accept; {@code acceptedTicks} is the clock-tick uptime of the accept. */
        static StartTime atAccept(long pid, Path proc, long acceptedTicks) {
            OptionalLong start = startTicks(proc, pid);
            boolean valid = start.isPresent() && start.getAsLong() <= acceptedTicks;
            return new StartTime(pid, valid ? start.getAsLong() : REPLACED, proc);
        }

        @Override
        public boolean stillSame() {
            return startTicks != REPLACED && startTicks(proc, pid).orElse(REPLACED) == startTicks;
        }

        /** Field 22 of {@code /proc/<pid>/stat}: clock ticks from boot to the process's start. */
        static OptionalLong startTicks(Path proc, long pid) {
            try {
                String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
                // The command name in parentheses may hold spaces; fields after it are plain.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(fields[19]));
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
        }

        /** Clock ticks since boot now, from {@code /proc/uptime} (USER_HZ, 100 on Linux), rounded up. */
        static long uptimeTicks(Path proc) {
            try {
                String seconds = Files.readString(proc.resolve("uptime"), StandardCharsets.US_ASCII).split("\\s+")[0];
                return (long) Math.ceil(Double.parseDouble(seconds) * 100) + 1;
            } catch (IOException | RuntimeException e) {
                return Long.MAX_VALUE;
            }
        }
    }
}
