package dev.flint.gui.signin;

import dev.flint.gui.service.FramedConnection;
import dev.flint.gui.settings.PrivateFiles;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.MessageCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GUI per user. The first process holds an exclusive lock on {@code launch.lock} (the kernel
 * drops it if the process dies) and listens on a per-user socket; a later process connects, hands
 * over its deep link or "new instance", waits for the acknowledgement and exits.
 */
public final class SingleInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SingleInstance.class);

    private final FileChannel lockFile;
    private final FileLock lock;
    private final Path socket;
    private ServerSocketChannel server;

    private SingleInstance(FileChannel lockFile, FileLock lock, Path socket) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.socket = socket;
    }

    /** Takes the lock, or returns empty if another instance holds it. */
    public static java.util.Optional<SingleInstance> tryAcquire(Path lockPath, Path socket) throws IOException {
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
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new SingleInstance(ch, l, socket));
    }

    /** Listens for later instances; each message is handed to {@code handler}, then acknowledged. */
    public void listen(Consumer<InstanceMessage> handler) throws IOException {
        PrivateFiles.createPrivateDirectories(socket.getParent());
        Files.deleteIfExists(socket); // stale from a crashed instance: we hold the lock, so it is ours
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the per-user directory protects the socket
        }
        Thread.ofVirtual().name("single-instance").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread.ofVirtual().start(() -> serve(ch, handler));
                } catch (IOException e) {
                    if (server.isOpen()) {
                        LOG.warn("Single-instance accept failed: {}", e.toString());
                    }
                    return;
                }
            }
        });
    }

    private static void serve(SocketChannel ch, Consumer<InstanceMessage> handler) {
        try (var c = new FramedConnection<>(ch, MessageCodec.instanceMessages(), MessageCodec.instanceMessages())) {
            switch (c.read()) {
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

    /**
     * Hands {@code message} to the running instance: up to {@code attempts} connects 100 ms apart,
     * then waits for the acknowledgement.
     *
     * @throws IOException with a sentence for the user if nothing answered
     */
    public static void forward(Path socket, InstanceMessage message, int attempts, Duration ackTimeout) throws IOException {
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            try (var c = FramedConnection.connect(socket, MessageCodec.instanceMessages(), MessageCodec.instanceMessages())) {
                c.send(message);
                var result = new java.util.concurrent.CompletableFuture<DecodeResult<InstanceMessage>>();
                Thread.ofVirtual().start(() -> {
                    try {
                        result.complete(c.read());
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
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IOException("Flint is already running but not responding. Please force-stop it first.");
                } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
                    throw new IOException("Flint is already running but not responding. Please force-stop it first.", e);
                }
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("Flint is already running")) {
                    throw e;
                }
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IOException("Flint is not running, so the sign-in link can't be delivered. Start Flint and sign in again.", last);
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
                Files.deleteIfExists(socket);
            }
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            LOG.debug("Closing single-instance resources: {}", e.toString());
        }
    }
}
