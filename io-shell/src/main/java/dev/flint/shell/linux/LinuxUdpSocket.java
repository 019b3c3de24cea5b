package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dual-stack UDP socket ({@code [::]:port}, IPv4 as v4-mapped) moving datagrams in batches with
 * {@code recvmmsg}/{@code sendmmsg} through the foreign function API, straight between the kernel
 * and off-heap {@link DatagramBatch} slots. Receiving waits in {@code poll} for the first datagram
 * and takes what else is ready; sending blocks while the socket buffer is full, which is the
 * back-pressure the TUN reader needs.
 */
public final class LinuxUdpSocket implements AutoCloseable {

    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_MARK = 36;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int MSG_DONTWAIT = 0x40;

    private final int fd;
    private final int port;
    private volatile boolean closed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sendErrors = new AtomicLong();

    private LinuxUdpSocket(int fd, int port) {
        this.fd = fd;
        this.port = port;
    }

    /** Binds {@code [::]:port} (0 for any free port), with socket buffers sized for Gbit/s bursts. */
    public static LinuxUdpSocket bind(int port) throws IOException {
        int fd;
        try {
            fd = JnaLibc.socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a UDP socket: " + JnaLibc.strerror(e.getErrorCode()));
        }
        try {
            JnaLibc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new int[]{0}, 4);
            setBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, 4 << 20);
            setBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, 8 << 20);
            byte[] sa = DatagramBatch.encode(new java.net.InetSocketAddress(
                java.net.InetAddress.getByAddress(new byte[16]), port)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            JnaLibc.bind(fd, sa, sa.length);
            byte[] out = new byte[DatagramBatch.SOCKADDR_IN6];
            JnaLibc.getsockname(fd, out, new int[]{out.length});
            int bound = ((out[2] & 0xFF) << 8) | (out[3] & 0xFF);
            return new LinuxUdpSocket(fd, bound);
        } catch (LastErrorException e) {
            JnaLibc.close(fd);
            throw new IOException("cannot listen on UDP port " + port + ": " + JnaLibc.strerror(e.getErrorCode()));
        }
    }

    private static void setBuffer(int fd, int force, int plain, int bytes) {
        try {
            JnaLibc.setsockopt(fd, SOL_SOCKET, force, new int[]{bytes}, 4);
        } catch (LastErrorException e) {
            // Without CAP_NET_ADMIN the kernel caps the size at net.core.[rw]mem_max.
            JnaLibc.setsockopt(fd, SOL_SOCKET, plain, new int[]{bytes}, 4);
        }
    }

    public int port() {
        return port;
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    /** Marks outgoing packets (for policy routing), like {@code wg set fwmark}; 0 clears it. */
    public void setMark(int mark) throws IOException {
        try {
            JnaLibc.setsockopt(fd, SOL_SOCKET, SO_MARK, new int[]{mark}, 4);
        } catch (LastErrorException e) {
            throw new IOException("cannot set fwmark " + mark + ": " + JnaLibc.strerror(e.getErrorCode()));
        }
    }

    /**
     * Receives into {@code batch} from slot 0, waiting up to {@code timeoutMillis} for the first
     * datagram. Returns the count (0 on timeout), or -1 once closed.
     */
    public int receive(DatagramBatch batch, int timeoutMillis) throws IOException {
        inFlight.incrementAndGet();
        try {
            batch.packets().clear();
            while (!closed) {
                batch.prepareReceive();
                int n = Libc.recvmmsg(batch.errno, fd, batch.headers(), batch.capacity(), MSG_DONTWAIT);
                if (n > 0) {
                    batch.received(n);
                    return n;
                }
                int errno = n < 0 ? Libc.errno(batch.errno) : Libc.EAGAIN;
                if (errno == Libc.EINTR || errno == Libc.ECONNREFUSED) {
                    continue;
                }
                if (errno != Libc.EAGAIN) {
                    if (closed) {
                        return -1;
                    }
                    throw new IOException("receiving UDP: " + JnaLibc.strerror(errno));
                }
                if (Libc.pollIn(batch.errno, batch.pollfd, fd, timeoutMillis) == 0) {
                    return 0;
                }
            }
            return -1;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Sends every datagram of the batch (slot order is send order). Failed sends are counted and dropped. */
    public void send(DatagramBatch batch) throws IOException {
        inFlight.incrementAndGet();
        try {
            int total = batch.count();
            batch.prepareSend(0);
            int done = 0;
            while (done < total) {
                if (closed) {
                    throw new IOException("the UDP socket is closed");
                }
                int n = Libc.sendmmsg(batch.errno, fd, batch.headersFrom(done), total - done, 0);
                if (n > 0) {
                    done += n;
                    continue;
                }
                int errno = Libc.errno(batch.errno);
                if (errno == Libc.EINTR) {
                    continue;
                }
                // An unreachable or refusing destination costs that one datagram only.
                sendErrors.incrementAndGet();
                done++;
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            JnaLibc.shutdown(fd, 2);
        } catch (LastErrorException ignored) {
            // Not connected: nothing to shut down; poll's timeout ends the wait instead.
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        try {
            JnaLibc.close(fd);
        } catch (LastErrorException ignored) {
            // Already gone.
        }
    }
}
