package dev.flint.gui.signin;

import dev.flint.gui.platform.LocalEndpoint;
import dev.flint.gui.settings.PrivateFiles;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.IpcConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GUI per user. The first process holds an exclusive lock on {@code launch.lock} (the kernel
 * drops it if the process dies) and listens on a per-user endpoint (a socket on Linux and macOS, a
 * pipe on Windows); a later process connects, hands over its deep link or "new instance", waits for
 * the acknowledgement and exits.
 */
public final class SingleInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SingleInstance.class);

    private final FileChannel lockFile;
    private final FileLock lock;
    private final LocalEndpoint endpoint;
    private LocalEndpoint.Listener server;
    private volatile boolean closed;

    private SingleInstance(FileChannel lockFile, FileLock lock, LocalEndpoint endpoint) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.endpoint = endpoint;
    }

    /** Takes the lock, or returns empty if another instance holds it. */
    public static Optional<SingleInstance> tryAcquire(Path lockPath, Path socket) throws IOException {
        return tryAcquire(lockPath, LocalEndpoint.unixSocket(socket));
    }

    /** Takes the lock for listening on {@code endpoint}, or returns empty if another instance holds it. */
    public static Optional<SingleInstance> tryAcquire(Path lockPath, LocalEndpoint endpoint) throws IOException {
        PrivateFiles.createPrivateDirectories(lockPath.getParent());
        FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            return Optional.empty();
        }
        return Optional.of(new SingleInstance(ch, l, endpoint));
    }

    /** Listens for later instances; each message is handed to {@code handler}, then acknowledged. */
    public void listen(Consumer<InstanceMessage> handler) throws IOException {
        server = endpoint.listen();
        LocalEndpoint.Listener listening = server;
        // A platform thread: the pipe transport blocks in native code, which would pin a virtual thread's carrier.
        Thread.ofPlatform().daemon().name("single-instance").start(() -> {
            while (!closed) {
                try {
                    DuplexStream stream = listening.accept();
                    Thread.ofPlatform().daemon().name("single-instance-client").start(() -> serve(stream, handler));
                } catch (IOException e) {
                    if (!closed) {
                        LOG.warn("Single-instance accept failed: {}", e.toString());
                    }
                    return;
                }
            }
        });
    }

    private static void serve(DuplexStream stream, Consumer<InstanceMessage> handler) {
        try (IpcConnection<InstanceMessage, InstanceMessage> c = IpcConnection.instance(stream)) {
            switch (c.receive()) {
                case DecodeResult.Decoded<InstanceMessage> d -> {
                    if (d.message() instanceof InstanceMessage.Ack) {
                        LOG.warn("Unexpected Ack from another instance");
                        return;
                    }
                    handler.accept(d.message());
                    c.send(new InstanceMessage.Ack());
                }
                case DecodeResult<InstanceMessage> other -> LOG.warn("Bad message from another instance: {}", other);
            }
        } catch (IOException e) {
            LOG.warn("Talking to another instance failed: {}", e.toString());
        }
    }

    /** As {@link #forward(LocalEndpoint, InstanceMessage, int, Duration)} over a Unix socket. */
    public static void forward(Path socket, InstanceMessage message, int attempts, Duration ackTimeout) throws IOException {
        forward(LocalEndpoint.unixSocket(socket), message, attempts, ackTimeout);
    }

    /**
     * Hands {@code message} to the running instance: up to {@code attempts} connects 100 ms apart,
     * then waits for the acknowledgement.
     *
     * @throws IOException with a sentence for the user if nothing answered
     */
    public static void forward(LocalEndpoint endpoint, InstanceMessage message, int attempts, Duration ackTimeout)
            throws IOException {
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            IpcConnection<InstanceMessage, InstanceMessage> c;
            try {
                c = IpcConnection.instance(endpoint.connect());
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            try (c) {
                try {
                    c.send(message);
                } catch (IOException e) {
                    last = e; // the instance went away between accepting and reading: try again
                    continue;
                }
                var result = new java.util.concurrent.CompletableFuture<DecodeResult<InstanceMessage>>();
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        result.complete(c.receive());
                    } catch (IOException e) {
                        result.completeExceptionally(e);
                    }
                });
                try {
                    if (result.get(ackTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                            instanceof DecodeResult.Decoded<InstanceMessage>(InstanceMessage.Ack ack)) {
                        return;
                    }
                    throw new IOException("Flint is already running but did not accept the request.");
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
                         | InterruptedException e) {
                    throw new IOException("Flint is already running but not responding. Please force-stop it first.", e);
                }
            }
        }
        throw new IOException("Flint is not running, so the sign-in link can't be delivered. Start Flint and sign in again.", last);
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            server.close();
        }
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            LOG.debug("Closing single-instance resources: {}", e.toString());
        }
    }
}
