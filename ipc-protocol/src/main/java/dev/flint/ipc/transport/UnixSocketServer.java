package dev.flint.ipc.transport;

import com.sun.jna.LastErrorException;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening Unix domain socket. {@link #accept()} hands out connections whose
 * {@link UnixSocket#peer()} carries the connecting process's uid, gid and pid, so the caller can
 * decide whom to serve before reading a byte.
 *
 * <p>Binding removes a stale socket file left by a crashed server, but refuses to steal the path
 * from a server that still answers. The mode is set between {@code bind} and {@code listen}, so
 * no connection is possible while the file has the default mode. Closing removes the file only if
 * it is still the one this server created.
 */
public final class UnixSocketServer implements Closeable {
    private static final LibC C = LibC.INSTANCE;
    private static final int BACKLOG = 16;

    private final SocketPlatform platform;
    private final Path path;
    private final int fd;
    private final Object fileKey;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UnixSocketServer(SocketPlatform platform, Path path, int fd, Object fileKey) {
        this.platform = platform;
        this.path = path;
        this.fd = fd;
        this.fileKey = fileKey;
    }

    public static UnixSocketServer bind(Path path, SocketFilePolicy policy) throws IOException {
        SocketPlatform platform = SocketPlatform.current();
        Path parent = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(policy.directoryMode()));
        }
        requireTrustworthyDirectory(parent);
        removeStaleSocket(path);
        byte[] address = platform.socketAddress(path.toString());
        int fd = UnixSocket.newSocket(platform);
        try {
            C.bind(fd, address, address.length);
            // Following links here means chmod(2)/chown(2) by path; the no-follow variants open the
            // file, which a socket refuses (ENXIO). The directory was checked: nobody else can swap
            // the fresh socket for a link.
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setPermissions(policy.socketMode());
            if (policy.group().isPresent()) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(policy.group().get());
                view.setGroup(group);
            }
            Object fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            C.listen(fd, BACKLOG);
            return new UnixSocketServer(platform, path, fd, fileKey);
        } catch (LastErrorException e) {
            UnixSocket.closeQuietly(fd);
            throw UnixSocket.ioError("bind/listen on " + path, e);
        } catch (IOException | RuntimeException e) {
            UnixSocket.closeQuietly(fd);
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Another user who can write to the directory could replace the socket file with their own
     * (e.g. a pre-created {@code /tmp/dev.flint.client-alice}), so the directory must belong to
     * this user or root and be writable by nobody else (a sticky world-writable directory such as
     * {@code /tmp} itself is not acceptable either: that is where squatters live).
     */
    private static void requireTrustworthyDirectory(Path directory) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
        Object self = directory.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        String owner = attributes.owner().getName();
        if (!attributes.owner().equals(self) && !owner.equals("root")) {
            throw new AccessDeniedException(directory.toString(), null, "socket directory is owned by " + owner);
        }
        if (attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new AccessDeniedException(directory.toString(), null, "socket directory is writable by other users");
        }
    }

    private static void removeStaleSocket(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and is not a socket; not removing it");
        }
        try (UnixSocket probe = UnixSocket.connect(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "another server is listening on it");
        } catch (ConnectException | NoSuchFileException stale) {
            Files.deleteIfExists(path);
        }
    }

    /**
     * Blocks until a client connects.
     *
     * @throws IOException if the server was closed (from any thread) or accept failed
     */
    public UnixSocket accept() throws IOException {
        while (true) {
            if (closed.get()) {
                throw new IOException("Server socket " + path + " is closed");
            }
            try {
                int client = platform.linux()
                        ? C.accept4(fd, null, null, platform.sockCloexec())
                        : C.accept(fd, null, null);
                if (!platform.linux()) {
                    C.fcntl(client, SocketPlatform.F_SETFD, SocketPlatform.FD_CLOEXEC);
                }
                return UnixSocket.accepted(platform, client);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == SocketPlatform.EINTR && !closed.get()) {
                    continue;
                }
                if (closed.get()) {
                    throw new IOException("Server socket " + path + " is closed");
                }
                throw UnixSocket.ioError("accept on " + path, e);
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Stops accepting (waking a blocked {@link #accept()}) and removes the socket file if it is still ours. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            C.shutdown(fd, SocketPlatform.SHUT_RDWR);
        } catch (LastErrorException ignored) {
            // Not all kernels allow shutdown on a listening socket; close below still releases it.
        }
        UnixSocket.closeQuietly(fd);
        try {
            Object current = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(current, fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // Already removed, or replaced by a newer server's socket: leave it.
        }
    }
}
