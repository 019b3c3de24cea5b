package dev.flint.netns;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process running inside a network namespace. {@code ip netns exec} switches namespace and then execs the
 * program, so {@link #pid()} is the program itself and signals reach it directly.
 */
public final class NamespaceProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceProcess.class);
    private static final int KEPT_LINES = 80;
    private static final long TERM_GRACE_MILLIS = 3000;

    private final String label;
    private final NetworkNamespace namespace;
    private final Process process;
    private final Instant startedAt;
    private final Deque<String> recent = new ArrayDeque<>();
    private final Path logFile;

    private NamespaceProcess(String label, NetworkNamespace namespace, Process process, Path logFile) {
        this.label = label;
        this.namespace = namespace;
        this.process = process;
        this.logFile = logFile;
        this.startedAt = process.info().startInstant().orElse(null);
    }

    static NamespaceProcess start(NetworkNamespace namespace, String label, List<String> command, Path logFile) {
        List<String> full = new ArrayList<>();
        if (logFile != null) {
            // Its own session: Ctrl-C in the terminal that ran `devstack up` later must not reach it.
            full.add("setsid");
        }
        full.addAll(Command.of(command).inNamespace(namespace.name()).args());
        LOG.debug("$ {} &", String.join(" ", full));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
            .redirectInput(Redirect.from(new File("/dev/null")));
        if (logFile != null) {
            builder.redirectOutput(Redirect.appendTo(logFile.toFile()));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandFailedException(full, -1, "cannot start: " + e.getMessage());
        }
        NamespaceProcess started = new NamespaceProcess(label, namespace, process, logFile);
        if (logFile == null) {
            Thread.ofVirtual().name(label + "-output").start(started::pumpOutput);
        }
        return started;
    }

    private void pumpOutput() {
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                LOG.debug("[{}] {}", label, line);
                synchronized (recent) {
                    if (recent.size() == KEPT_LINES) {
                        recent.removeFirst();
                    }
                    recent.addLast(line);
                }
            }
        } catch (IOException e) {
            LOG.debug("[{}] output closed: {}", label, e.getMessage());
        }
    }

    public String label() {
        return label;
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public long pid() {
        return process.pid();
    }

    /** When the process started, as the kernel reports it; recorded so a later stop never hits a reused pid. */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The last lines the process wrote (for a detached process: the end of its log file). */
    public String recentOutput() {
        if (logFile != null) {
            try {
                List<String> lines = Files.readAllLines(logFile);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - KEPT_LINES), lines.size()));
            } catch (IOException e) {
                return "(no output: " + e.getMessage() + ")";
            }
        }
        synchronized (recent) {
            return String.join("\n", recent);
        }
    }

    /** SIGTERM, a short grace period, then SIGKILL; returns once the process is gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            LOG.debug("stopping {} (pid {})", label, process.pid());
        }
        stop(process.toHandle());
        // The handle sees the exit before the JDK's reaper has collected it; wait so exitCode() is set.
        process.onExit().join();
    }

    /**
     * Stops a process known only by pid (from a state file). With {@code startedAt} set, a pid that now belongs to
     * a process started at another time is left alone.
     */
    public static void stop(long pid, Instant startedAt) {
        ProcessHandle.of(pid)
            .filter(handle -> startedAt == null || handle.info().startInstant().map(startedAt::equals).orElse(false))
            .ifPresent(NamespaceProcess::stop);
    }

    /** Whether {@code pid} runs (not a zombie) and, with {@code startedAt} set, is still the process started then. */
    public static boolean isRunning(long pid, Instant startedAt) {
        return ProcessHandle.of(pid)
            .filter(handle -> startedAt == null || handle.info().startInstant().map(startedAt::equals).orElse(false))
            .filter(handle -> handle.isAlive() && !isZombie(pid))
            .isPresent();
    }

    private static void stop(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        if (awaitExit(handle)) {
            return;
        }
        LOG.debug("pid {} ignored SIGTERM; killing it", handle.pid());
        handle.destroyForcibly();
        if (!awaitExit(handle)) {
            throw new IllegalStateException("process " + handle.pid() + " survived SIGKILL");
        }
    }

    /**
     * Polls for the exit instead of {@code onExit()}, which for processes that are not our children (started by
     * an earlier {@code devstack up}) only notices seconds later.
     */
    private static boolean awaitExit(ProcessHandle handle) {
        long deadline = System.nanoTime() + TERM_GRACE_MILLIS * 1_000_000;
        while (handle.isAlive() && !isZombie(handle.pid())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !handle.isAlive();
            }
        }
        return true;
    }

    /**
     * A zombie has exited and released its sockets and namespace; only its parent's wait is missing. Orphans of an
     * earlier {@code devstack up} wait for init, which may reap them seconds later.
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + process.pid() + " in " + namespace + ")";
    }
}
