package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP socket a data plane runs on, in Firezone's model: dual-stack ({@code [::]:port},
 * IPv4 as v4-mapped), told the local destination address of every datagram (IP_PKTINFO and
 * IPV6_RECVPKTINFO) so host candidates and ICE can tell which of the host's addresses a peer used,
 * and sending from an explicit source address per datagram when asked to.
 *
 * <p>Datagrams move in batches with {@code recvmmsg}/{@code sendmmsg} through the foreign function
 * API, between the kernel and off-heap {@link DatagramBatch} slots. Where the kernel has them, the
 * UDP offloads cut the per-datagram cost: GSO sends a run of equal datagrams to one destination as
 * one super-datagram, GRO receives a run as one and the socket splits it back into slots, so
 * callers always see one datagram per slot. Receiving waits in {@code poll} for the first datagram
 * and takes what else is ready; sending blocks while the socket buffer is full, which is the
 * back-pressure the TUN reader needs. Any number of threads may send, each with its own batch.
 *
 * <p>Sources on the dual-stack socket: an IPv6 source goes as {@code IPV6_PKTINFO}; an IPv4 source
 * (to a v4-mapped destination) as {@code IP_PKTINFO} with {@code ipi_spec_dst}, which the kernel's
 * v4-mapped path ({@code udpv6_sendmsg} hands over to {@code udp_sendmsg}) reads. A v4-mapped
 * {@code IPV6_PKTINFO} works there too on the kernels tested (6.18, see PacketInfoTest); IP_PKTINFO is
 * used because it is what the IPv4 path has understood the longest.
 */
public final class LinuxUdpSocket implements AutoCloseable {

    /** Firezone's port: 49152 + 3473, "FIRE" on a phone pad. */
    public static final int FIREZONE_PORT = 52625;

    private static final Logger LOG = LoggerFactory.getLogger(LinuxUdpSocket.class);
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_MARK = 36;
    private static final int SO_NO_CHECK = 11;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_ADDR_PREFERENCES = 72;
    private static final int IPV6_PREFER_SRC_PUBLIC = 0x0002;
    private static final int EADDRINUSE = 98;
    private static final int MSG_DONTWAIT = 0x40;
    /** The kernel took 64 segments per GSO send until 6.13 (128 since); 64 works everywhere. */
    static final int MAX_SEGMENTS = 64;

    private final int fd;
    private final int port;
    private final boolean gro;
    private volatile boolean closed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong receiveDrops = new AtomicLong();
    private final AtomicLong coalescedSends = new AtomicLong();
    private final AtomicLong coalescedReceives = new AtomicLong();
    /** GSO is on until a first coalesced send fails with EIO/EINVAL before any has succeeded. */
    private volatile boolean gso;
    private volatile boolean gsoProven;
    private volatile boolean mappedPacketInfo;

    private LinuxUdpSocket(int fd, int port, boolean gso, boolean gro) {
        this.fd = fd;
        this.port = port;
        this.gso = gso;
        this.gro = gro;
    }

    /** Binds {@code [::]:port} (0 for any free port) with every offload the kernel has. */
    public static LinuxUdpSocket bind(int port) throws IOException {
        return bind(port, UdpOffloads.ALL);
    }

    /**
     * Binds {@code [::]:port}, or any free port if that one is taken, as Firezone does with
     * {@link #FIREZONE_PORT}: a second client on the host still works, only without the well-known port.
     */
    public static LinuxUdpSocket bindPreferring(int port) throws IOException {
        return bindPreferring(port, UdpOffloads.ALL);
    }

    public static LinuxUdpSocket bindPreferring(int port, UdpOffloads wanted) throws IOException {
        try {
            return open(port, wanted);
        } catch (PortInUse e) {
            LOG.info("UDP port {} is taken; using a free port instead", port);
            return bind(0, wanted);
        }
    }

    /** Binds {@code [::]:port} with at most the {@code wanted} offloads (tests turn them off to check the fallbacks). */
    public static LinuxUdpSocket bind(int port, UdpOffloads wanted) throws IOException {
        return open(port, wanted);
    }

    /** EADDRINUSE, told apart so {@link #bindPreferring} can fall back. */
    private static final class PortInUse extends IOException {
        PortInUse(String message) {
            super(message);
        }
    }

    private static LinuxUdpSocket open(int port, UdpOffloads wanted) throws IOException {
        int fd;
        try {
            fd = Libc.socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a UDP socket: " + Libc.strerror(e.getErrorCode()));
        }
        try {
            Libc.setsockopt(fd, ControlMessages.IPPROTO_IPV6, IPV6_V6ONLY, new int[]{0}, 4);
            setBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, 4 << 20);
            setBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, 8 << 20);
            // Both: for an IPv4 datagram on the dual-stack socket, Linux 6.18 sends IPV6_PKTINFO
            // (v4-mapped) when IPV6_RECVPKTINFO is on and IP_PKTINFO when IP_PKTINFO is on, both
            // when both are; older kernels and other stacks differ, so ask for both and read either.
            Libc.setsockopt(fd, ControlMessages.IPPROTO_IPV6, ControlMessages.IPV6_RECVPKTINFO, new int[]{1}, 4);
            Libc.setsockopt(fd, ControlMessages.IPPROTO_IP, ControlMessages.IP_PKTINFO, new int[]{1}, 4);
            preferStableIpv6Source(fd);
            boolean gso = wanted.gso() && kernelHasGso(fd);
            boolean gro = wanted.gro() && enableGro(fd);
            byte[] sa = DatagramBatch.encode(new InetSocketAddress(InetAddress.getByAddress(new byte[16]), port))
                .toArray(ValueLayout.JAVA_BYTE);
            try {
                Libc.bind(fd, sa, sa.length);
            } catch (LastErrorException e) {
                String message = "cannot listen on UDP port " + port + ": " + Libc.strerror(e.getErrorCode());
                throw e.getErrorCode() == EADDRINUSE ? new PortInUse(message) : new IOException(message);
            }
            byte[] out = new byte[DatagramBatch.SOCKADDR_IN6];
            Libc.getsockname(fd, out, new int[]{out.length});
            int bound = ((out[2] & 0xFF) << 8) | (out[3] & 0xFF);
            LinuxUdpSocket socket = new LinuxUdpSocket(fd, bound, gso, gro);
            LOG.debug("UDP socket on port {}: {}", bound, socket.offloads());
            return socket;
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw new IOException("cannot set up a UDP socket for port " + port + ": " + Libc.strerror(e.getErrorCode()));
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static void setBuffer(int fd, int force, int plain, int bytes) {
        try {
            Libc.setsockopt(fd, SOL_SOCKET, force, new int[]{bytes}, 4);
        } catch (LastErrorException e) {
            // Without CAP_NET_ADMIN the kernel caps the size at net.core.[rw]mem_max.
            Libc.setsockopt(fd, SOL_SOCKET, plain, new int[]{bytes}, 4);
        }
    }

    /** Firezone's prefer_stable_ipv6_source: privacy (temporary) addresses change under a connection. */
    private static void preferStableIpv6Source(int fd) {
        try {
            Libc.setsockopt(fd, ControlMessages.IPPROTO_IPV6, IPV6_ADDR_PREFERENCES,
                new int[]{IPV6_PREFER_SRC_PUBLIC}, 4);
        } catch (LastErrorException e) {
            // Only a preference; the kernel's default choice still works.
        }
    }

    /** A kernel without UDP_SEGMENT (before 4.18) does not know the option at all. */
    private static boolean kernelHasGso(int fd) {
        try {
            Libc.getsockopt(fd, ControlMessages.SOL_UDP, ControlMessages.UDP_SEGMENT, new int[1], new int[]{4});
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    private static boolean enableGro(int fd) {
        try {
            Libc.setsockopt(fd, ControlMessages.SOL_UDP, ControlMessages.UDP_GRO, new int[]{1}, 4);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The offloads in use now; GSO can turn off after binding if the first coalesced send fails. */
    /** The socket's descriptor, for an event loop to poll together with others. */
    public int fd() {
        return fd;
    }

    public UdpOffloads offloads() {
        return new UdpOffloads(gso, gro);
    }

    /** Datagrams that could not be sent (each counted once, also when it was part of a super-datagram). */
    public long sendErrors() {
        return sendErrors.get();
    }

    /** Received datagrams dropped because they were longer than a slot (the kernel cut them, or a segment did not fit). */
    public long receiveDrops() {
        return receiveDrops.get();
    }

    /** Super-datagrams sent with GSO (each carrying two or more datagrams). */
    public long coalescedSends() {
        return coalescedSends.get();
    }

    /** Super-datagrams received with GRO and split into slots. */
    public long coalescedReceives() {
        return coalescedReceives.get();
    }

    /**
     * For tests: sends IPv4 without UDP checksums (SO_NO_CHECK), with which the kernel refuses GSO
     * with EINVAL, the way a kernel or route without it would.
     */
    void sendWithoutChecksums() throws IOException {
        try {
            Libc.setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, new int[]{1}, 4);
        } catch (LastErrorException e) {
            throw new IOException("cannot set SO_NO_CHECK: " + Libc.strerror(e.getErrorCode()));
        }
    }

    /** For tests: send IPv4 sources as v4-mapped IPV6_PKTINFO instead of IP_PKTINFO. */
    void useMappedPacketInfo(boolean mapped) {
        mappedPacketInfo = mapped;
    }

    /** Marks outgoing packets (for policy routing), like {@code wg set fwmark}; 0 clears it. */
    public void setMark(int mark) throws IOException {
        try {
            Libc.setsockopt(fd, SOL_SOCKET, SO_MARK, new int[]{mark}, 4);
        } catch (LastErrorException e) {
            throw new IOException("cannot set fwmark " + mark + ": " + Libc.strerror(e.getErrorCode()));
        }
    }

    /** The mark set with {@link #setMark}, read back from the kernel. */
    int mark() throws IOException {
        int[] value = new int[1];
        try {
            Libc.getsockopt(fd, SOL_SOCKET, SO_MARK, value, new int[]{4});
        } catch (LastErrorException e) {
            throw new IOException("cannot read fwmark: " + Libc.strerror(e.getErrorCode()));
        }
        return value[0];
    }

    /**
     * Receives into {@code batch} from slot 0, one datagram per slot with its source and local
     * address, waiting up to {@code timeoutMillis} for the first. Returns the count (0 on timeout),
     * or -1 once closed. With GRO, datagrams split from a super-datagram that did not fit stay with
     * the batch and come first in its next receive from this socket.
     */
    public int receive(DatagramBatch batch, int timeoutMillis) throws IOException {
        inFlight.incrementAndGet();
        try {
            batch.beginReceive(this, port);
            int n = gro ? receiveStaged(batch, timeoutMillis) : receiveDirect(batch, timeoutMillis);
            if (batch.droppedByReceive > 0) {
                receiveDrops.addAndGet(batch.droppedByReceive);
            }
            if (batch.coalescedByReceive > 0) {
                coalescedReceives.addAndGet(batch.coalescedByReceive);
            }
            return n;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Without GRO the kernel writes every datagram straight into its slot. */
    private int receiveDirect(DatagramBatch batch, int timeoutMillis) throws IOException {
        while (!closed) {
            batch.prepareReceive();
            int n = Libc.recvmmsg(batch.errno, fd, batch.headers(), batch.capacity(), MSG_DONTWAIT);
            if (n > 0) {
                int kept = batch.received(n);
                if (kept > 0) {
                    return kept;
                }
                continue;
            }
            int errno = n < 0 ? Libc.errno(batch.errno) : Libc.EAGAIN;
            if (errno == Libc.EINTR || errno == Libc.ECONNREFUSED) {
                continue;
            }
            if (errno != Libc.EAGAIN) {
                if (closed) {
                    return -1;
                }
                throw new IOException("receiving UDP: " + Libc.strerror(errno));
            }
            if (Libc.pollIn(batch.errno, batch.pollfd, fd, timeoutMillis) == 0) {
                return 0;
            }
        }
        return -1;
    }

    /**
     * With GRO the kernel writes into the batch's stage (64 KiB per message, see {@link GroStage}),
     * and the datagrams are copied out into slots; it goes on receiving while slots are free and
     * the last call filled every staged message.
     */
    private int receiveStaged(DatagramBatch batch, int timeoutMillis) throws IOException {
        GroStage stage = batch.stage();
        int filled = batch.unstage();
        while (!closed) {
            int free = batch.capacity() - filled;
            if (free == 0 || stage.pending()) {
                return filled;
            }
            int want = Math.min(free, stage.messages);
            stage.prepare(want);
            int n = Libc.recvmmsg(batch.errno, fd, stage.headers, want, MSG_DONTWAIT);
            if (n > 0) {
                batch.coalescedByReceive += stage.received(n, this);
                filled = batch.unstage();
                if (n < want && filled > 0) {
                    return filled;
                }
                continue;
            }
            int errno = n < 0 ? Libc.errno(batch.errno) : Libc.EAGAIN;
            if (errno == Libc.EINTR || errno == Libc.ECONNREFUSED) {
                continue;
            }
            if (errno != Libc.EAGAIN) {
                if (closed) {
                    return filled > 0 ? filled : -1;
                }
                throw new IOException("receiving UDP: " + Libc.strerror(errno));
            }
            if (filled > 0) {
                return filled;
            }
            if (Libc.pollIn(batch.errno, batch.pollfd, fd, timeoutMillis) == 0) {
                return 0;
            }
        }
        // Closed: what was already split into slots is still handed over; the next call says -1.
        return filled > 0 ? filled : -1;
    }

    /**
     * Sends every datagram of the batch in slot order, each to its slot's address and from its
     * slot's source if it has one. With GSO, runs of equal datagrams to one destination leave as one
     * super-datagram. Failed sends are counted and dropped.
     */
    public void send(DatagramBatch batch) throws IOException {
        inFlight.incrementAndGet();
        try {
            int total = batch.count();
            int slot = 0;
            boolean plain = false;
            while (slot < total) {
                boolean segmenting = gso && !plain;
                int groups = batch.planSend(slot, segmenting ? MAX_SEGMENTS : 1, mappedPacketInfo);
                int g = 0;
                while (g < groups) {
                    if (closed) {
                        throw new IOException("the UDP socket is closed");
                    }
                    int n = Libc.sendmmsg(batch.errno, fd, batch.sendHeadersFrom(g), groups - g, 0);
                    if (n > 0) {
                        if (segmenting) {
                            countCoalesced(batch, g, g + n);
                        }
                        g += n;
                        continue;
                    }
                    int errno = Libc.errno(batch.errno);
                    if (errno == Libc.EINTR) {
                        continue;
                    }
                    if (segmenting && batch.segments(g) > 1
                            && (errno == Libc.EIO || errno == Libc.EINVAL || errno == Libc.EMSGSIZE)) {
                        if (errno != Libc.EMSGSIZE) {
                            gsoFailed(errno);
                        }
                        // The rest of this batch goes one datagram per message (the kernel may fragment
                        // what it could not segment); the next batch tries GSO again if it stayed on.
                        plain = true;
                        break;
                    }
                    // An unreachable or refusing destination costs its datagrams only.
                    sendErrors.addAndGet(batch.segments(g));
                    g++;
                }
                slot = batch.groupStart(g);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void countCoalesced(DatagramBatch batch, int from, int to) {
        int coalesced = 0;
        for (int g = from; g < to; g++) {
            if (batch.segments(g) > 1) {
                coalesced++;
            }
        }
        if (coalesced > 0) {
            gsoProven = true;
            coalescedSends.addAndGet(coalesced);
        }
    }

    /**
     * EIO means the route's device cannot checksum for GSO, EINVAL that the kernel refuses GSO on
     * this socket or route. Before GSO has ever worked on this socket that is taken as "no GSO
     * here" and it stays off; afterwards it is one route's problem and only that run goes plain.
     * (A segment larger than the path MTU fails with EMSGSIZE instead, on 6.18 for both families;
     * that says nothing about GSO support, so it never turns GSO off.)
     */
    private void gsoFailed(int errno) {
        if (!gsoProven && gso) {
            gso = false;
            LOG.info("UDP GSO turned off on port {}: the first segmented send failed ({})", port, Libc.strerror(errno));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.shutdown(fd, 2);
        } catch (LastErrorException ignored) {
            // Not connected: nothing to shut down; poll's timeout ends the wait instead.
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // Already gone.
        }
    }
}
