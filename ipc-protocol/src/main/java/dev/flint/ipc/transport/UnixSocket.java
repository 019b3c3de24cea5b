package dev.flint.ipc.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected Unix domain stream socket, driven through libc with JNA.
 *
 * <p>Why not the JDK's {@code SocketChannel} (JEP 380)? It reports the peer only as user and group
 * <em>names</em> ({@code UnixDomainPrincipal}) and never the pid, and it hides the file descriptor
 * that {@code getsockopt(SO_PEERCRED)} needs. Netty's epoll channel has {@code peerCredentials()}
 * but would pull native transport jars and an event loop into the GUI for one blocking socket.
 * Owning the descriptor costs a handful of libc calls, all in this class, and gives uid, gid and
 * pid from the kernel on both ends.
 *
 * <p>Closing from another thread is safe: {@code shutdown(2)} first wakes any blocked
 * {@code recv}/{@code send}, and the descriptor is released only once they have returned, so a
 * recycled descriptor number can never be read by mistake.
 */
public final class UnixSocket implements DuplexStream {
    private static final LibC C = LibC.INSTANCE;
    private static final Path PROC = Path.of("/proc");

    private final SocketPlatform platform;
    private final int fd;
    private final PeerIdentity peer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();

    private UnixSocket(SocketPlatform platform, int fd) {
        this.platform = platform;
        this.fd = fd;
        this.peer = readPeer(platform, fd);
        if (!platform.linux()) {
            C.setsockopt(fd, platform.solSocket(), platform.soNosigpipe(), new int[] {1}, 4);
        }
    }

    /**
     * Connects to a listening socket.
     *
     * @throws NoSuchFileException if no socket file exists at {@code path}
     * @throws ConnectException if the file exists but nobody listens (a stale socket)
     * @throws AccessDeniedException if the socket's mode or group keeps this user out
     */
    public static UnixSocket connect(Path path) throws IOException {
        SocketPlatform platform = SocketPlatform.current();
        byte[] address = platform.socketAddress(path.toString());
        int fd = newSocket(platform);
        try {
            C.connect(fd, address, address.length);
            return new UnixSocket(platform, fd);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            if (e.getErrorCode() == platform.enoent()) {
                throw new NoSuchFileException(path.toString(), null, "no IPC socket");
            }
            if (e.getErrorCode() == SocketPlatform.EACCES) {
                throw new AccessDeniedException(path.toString(), null, "no write permission on the socket");
            }
            if (e.getErrorCode() == platform.econnrefused()) {
                throw new ConnectException("Nothing is listening on " + path);
            }
            throw ioError("connect to " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Wraps a descriptor returned by {@code accept}. */
    static UnixSocket accepted(SocketPlatform platform, int fd) {
        try {
            return new UnixSocket(platform, fd);
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    static int newSocket(SocketPlatform platform) throws IOException {
        try {
            int fd = C.socket(SocketPlatform.AF_UNIX, SocketPlatform.SOCK_STREAM | platform.sockCloexec(), 0);
            if (!platform.linux()) {
                C.fcntl(fd, SocketPlatform.F_SETFD, SocketPlatform.FD_CLOEXEC);
            }
            return fd;
        } catch (LastErrorException e) {
            throw ioError("socket", e);
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        readLock.lock();
        try {
            if (closed.get()) {
                return -1;
            }
            byte[] target = offset == 0 ? buffer : new byte[length];
            while (true) {
                try {
                    long n = C.recv(fd, target, length, 0);
                    if (n == 0) {
                        return -1;
                    }
                    if (target != buffer) {
                        System.arraycopy(target, 0, buffer, offset, (int) n);
                    }
                    return (int) n;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == SocketPlatform.EINTR) {
                        continue;
                    }
                    if (closed.get()) {
                        return -1;
                    }
                    throw ioError("recv", e);
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void writeFully(byte[] bytes) throws IOException {
        writeLock.lock();
        try {
            byte[] remaining = bytes;
            while (remaining.length > 0) {
                if (closed.get()) {
                    throw new IOException("Socket closed");
                }
                long n;
                try {
                    n = C.send(fd, remaining, remaining.length, platform.msgNosignal());
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == SocketPlatform.EINTR) {
                        continue;
                    }
                    throw ioError("send", e);
                }
                remaining = Arrays.copyOfRange(remaining, (int) n, remaining.length);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            C.shutdown(fd, SocketPlatform.SHUT_RDWR);
        } catch (LastErrorException ignored) {
            // ENOTCONN when the peer is already gone: nothing to wake.
        }
        readLock.lock();
        writeLock.lock();
        try {
            closeQuietly(fd);
            if (peer instanceof PeerCredentials credentials) {
                credentials.process().ifPresent(PeerProcess::close);
            }
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "UnixSocket[fd=" + fd + ", peer=" + peer + (closed.get() ? ", closed" : "") + "]";
    }

    private static PeerIdentity readPeer(SocketPlatform platform, int fd) {
        try {
            if (platform.linux()) {
                long acceptedTicks = PeerProcess.StartTime.uptimeTicks(PROC);
                int[] ucred = new int[3];
                C.getsockopt(fd, platform.solSocket(), platform.soPeercred(), ucred, new IntByReference(12));
                // pid 0: the peer lives in a pid namespace we cannot see into.
                if (ucred[0] <= 0) {
                    return new PeerCredentials(Integer.toUnsignedLong(ucred[1]), Integer.toUnsignedLong(ucred[2]),
                            OptionalLong.empty());
                }
                // The pidfd pins the process for good (Linux 6.5+); before that, the pid with its start time.
                PeerProcess process = PeerProcess.PidFd.ofPeer(fd).<PeerProcess>map(p -> p)
                        .orElseGet(() -> PeerProcess.StartTime.atAccept(ucred[0], PROC, acceptedTicks));
                return new PeerCredentials(Integer.toUnsignedLong(ucred[1]), Integer.toUnsignedLong(ucred[2]),
                        OptionalLong.of(ucred[0]), java.util.Optional.of(process));
            }
            IntByReference uid = new IntByReference();
            IntByReference gid = new IntByReference();
            C.getpeereid(fd, uid, gid);
            int[] pid = new int[1];
            OptionalLong peerPid;
            try {
                C.getsockopt(fd, SocketPlatform.SOL_LOCAL, SocketPlatform.LOCAL_PEERPID, pid, new IntByReference(4));
                peerPid = pid[0] > 0 ? OptionalLong.of(pid[0]) : OptionalLong.empty();
            } catch (LastErrorException e) {
                peerPid = OptionalLong.empty();
            }
            return new PeerCredentials(Integer.toUnsignedLong(uid.getValue()), Integer.toUnsignedLong(gid.getValue()), peerPid);
        } catch (LastErrorException e) {
            return new PeerIdentity.Unknown();
        }
    }

    static void closeQuietly(int fd) {
        try {
            C.close(fd);
        } catch (LastErrorException ignored) {
            // Nothing useful to do: the descriptor is gone either way.
        }
    }

    static IOException ioError(String call, LastErrorException e) {
        return new IOException(call + " failed: errno " + e.getErrorCode(), e);
    }
}
