package dev.flint.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scope that builds a network of namespaces and records everything it creates; {@link #close()} removes it all
 * in reverse order, carrying on past failures (they are thrown at the end, suppressed onto the first). Every
 * namespace name starts with the scope's {@link RunPrefix}, so parallel runs never collide.
 *
 * <pre>{@code
 * try (Topology net = Topology.create("wg")) {
 *     NetworkNamespace a = net.namespace("a"), b = net.namespace("b");
 *     net.veth(a, "eth0", b, "eth0").up();
 *     ...
 * }
 * }</pre>
 */
public final class Topology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    /** Where every run keeps its files; one sub-directory per run prefix. */
    public static final Path RUN_ROOT = Path.of("/run/flint-devstack");

    private final RunPrefix prefix;
    private final Deque<Step> steps = new ArrayDeque<>();
    private final Thread closeOnExit;
    private boolean closed;

    private sealed interface Step {
        String describe();
        void undo();
    }

    private record Recorded(Created created) implements Step {
        public String describe() {
            return created.toString();
        }
        public void undo() {
            created.remove();
        }
    }

    private record Action(String description, Runnable action) implements Step {
        public String describe() {
            return description;
        }
        public void undo() {
            action.run();
        }
    }

    private Topology(RunPrefix prefix) {
        this.prefix = prefix;
        // A JVM that exits without closing the scope (a test run cut short) still removes what it built.
        this.closeOnExit = new Thread(this::closeQuietly, "topology-" + prefix + "-exit");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("tear-down of {} at exit: {}", prefix, e.getMessage());
        }
    }

    private void forgetExitHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
        } catch (IllegalStateException shuttingDown) {
            // Already running as (or alongside) the hook.
        }
    }

    /** A new scope whose names start with {@code tag} (1-4 characters) and five random characters. */
    public static Topology create(String tag) {
        return new Topology(RunPrefix.random(tag));
    }

    public static Topology create(RunPrefix prefix) {
        return new Topology(prefix);
    }

    /**
     * Whether this process may build topologies: root (CAP_NET_ADMIN) and iproute2 present. Privileged tests
     * assume this and are skipped otherwise.
     */
    public static boolean isSupported() {
        try {
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .anyMatch(line -> line.split("\\s+")[2].equals("0"));
            return root && Command.of("ip", "netns", "list").runAllowingFailure().ok();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public RunPrefix prefix() {
        return prefix;
    }

    /**
     * A directory for this run's files (configuration, pid files, logs of processes): {@code
     * /run/flint-devstack/<prefix>}, created on first use and removed with the scope.
     */
    public synchronized Path runDirectory() {
        Path dir = RUN_ROOT.resolve(prefix.value());
        if (!Files.isDirectory(dir)) {
            record(new Created.Directory(dir));
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** Creates namespace {@code <prefix>-<role>} with loopback up. */
    public synchronized NetworkNamespace namespace(String role) {
        requireOpen();
        String name = prefix.name(role);
        if (Files.exists(Path.of("/run/netns", name))) {
            // Never adopt (and later delete) a namespace this scope did not make.
            throw new IllegalStateException("namespace " + name + " exists already");
        }
        // Recorded first: a namespace whose set-up failed half-way is still removed.
        record(new Created.Namespace(name));
        return NetworkNamespace.create(name);
    }

    /** A veth pair between two namespaces of this scope (removed with them). */
    public VethPair veth(NetworkNamespace a, String aName, NetworkNamespace b, String bName) {
        return VethPair.create(a, aName, b, bName);
    }

    /** Starts a process in a namespace; it is stopped when the scope closes, before its namespace goes. */
    public synchronized NamespaceProcess start(NetworkNamespace namespace, String label, List<String> command) {
        // Checked before starting: a process started after close() took its snapshot would never be stopped.
        requireOpen();
        NamespaceProcess process = namespace.start(label, command);
        steps.push(new Action("stop " + process, process::close));
        return process;
    }

    /** Starts a process that outlives this JVM (see {@link NetworkNamespace#startDetached}); recorded by pid. */
    public synchronized NamespaceProcess startDetached(NetworkNamespace namespace, String label, List<String> command,
            Path logFile) {
        requireOpen();
        NamespaceProcess process = namespace.startDetached(label, command, logFile);
        record(new Created.Process(label, namespace.name(), process.pid(), process.startedAt().orElse(null)));
        return process;
    }

    /** Records something created outside the scope's own methods, to be removed with it. */
    public synchronized void record(Created created) {
        requireOpen();
        steps.push(new Recorded(created));
    }

    /** Runs {@code action} when the scope closes (in reverse order with everything else). */
    public synchronized void onClose(String description, Runnable action) {
        requireOpen();
        steps.push(new Action(description, action));
    }

    /** What this scope has created and not yet removed, oldest first (in-process actions are left out). */
    public synchronized List<Created> created() {
        List<Created> result = new ArrayList<>();
        steps.descendingIterator().forEachRemaining(step -> {
            if (step instanceof Recorded(Created created)) {
                result.add(created);
            }
        });
        return result;
    }

    /** Namespaces whose names carry this scope's prefix; empty after {@link #close()} unless something leaked. */
    public List<String> leftoverNamespaces() {
        return NetworkNamespace.list().stream().filter(prefix::owns).toList();
    }

    /**
     * Removes everything in reverse order of creation. Every step runs even if earlier ones failed; the failures
     * are then thrown together. Closing twice does nothing.
     */
    @Override
    public void close() {
        List<Step> toUndo;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toUndo = new ArrayList<>(steps);
            steps.clear();
        }
        if (Thread.currentThread() != closeOnExit) {
            forgetExitHook();
        }
        RuntimeException failure = undo(toUndo);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Hands everything over without removing it (to a state file that a later process tears down with
     * {@link #tearDown}); the scope is closed afterwards. In-process actions registered with {@link #onClose} are
     * dropped.
     */
    public List<Created> release() {
        List<Created> handedOver;
        synchronized (this) {
            requireOpen();
            handedOver = created();
            closed = true;
            steps.clear();
        }
        forgetExitHook();
        return handedOver;
    }

    /**
     * Removes things recorded by another process, newest first (give them in creation order). Returns the failures
     * (null when everything went), having tried every item.
     */
    public static RuntimeException tearDown(List<Created> createdOldestFirst) {
        List<Step> newestFirst = new ArrayList<>();
        for (Created created : createdOldestFirst) {
            newestFirst.addFirst(new Recorded(created));
        }
        return undo(newestFirst);
    }

    private static RuntimeException undo(List<Step> newestFirst) {
        RuntimeException failure = null;
        for (Step step : newestFirst) {
            try {
                LOG.debug("tear down: {}", step.describe());
                step.undo();
            } catch (RuntimeException e) {
                LOG.warn("tear down of {} failed: {}", step.describe(), e.getMessage());
                if (failure == null) {
                    failure = new IllegalStateException("tear-down incomplete", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("topology " + prefix + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Topology " + prefix;
    }
}
