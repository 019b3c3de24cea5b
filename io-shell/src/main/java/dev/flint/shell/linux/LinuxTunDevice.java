package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.flint.shell.DeviceGate;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.TunDevice;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Linux TUN interface ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): opened and named
 * through JNA, with the per-packet {@code read}/{@code write} through the foreign function API or,
 * for comparison, JNA ({@link PacketIo}). The descriptor is non-blocking; {@link #read} waits in
 * {@code poll} for the first packet and then drains what is ready, up to the batch size.
 */
public final class LinuxTunDevice implements TunDevice {

    /** How packets cross into the kernel. FFM measured faster (BENCHMARKS.md). */
    public enum PacketIo { FFM, JNA }

    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final int TUN_F_CSUM = 1;
    static final int TUN_F_TSO4 = 2;
    static final int TUN_F_TSO6 = 4;
    private static final int SUPER_PACKET = 65536 + TcpSegmentation.VNET_HDR_LEN;
    static final int IFNAMSIZ = 16;

    private final String name;
    private final int fd;
    private final int mtu;
    private final PacketIo io;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readErrno = Libc.newErrnoState(arena);
    private final MemorySegment writeErrno = Libc.newErrnoState(arena);
    private final MemorySegment pollfd = arena.allocate(8, 8);
    private final AtomicLong writeErrors = new AtomicLong();
    private final DeviceGate gate = new DeviceGate();

    // With offloads: reads land here first (vnet header + up to 64 KiB), writes get a zero header.
    private final boolean offload;
    private final MemorySegment superBuf;
    private final MemorySegment superPacket;
    private final MemorySegment writeIov;
    // Coalesced writes get their own super-packet buffer: a reader may be using superBuf at the same time.
    private final MemorySegment coalesceHeader;
    private final MemorySegment coalesceBuf;
    private final MemorySegment coalesceIov;
    private final AtomicLong coalescedWrites = new AtomicLong();
    private int pendingLength;
    private int pendingGso;
    private int pendingNext;
    private final BatchSink sink = new BatchSink();
    private final AtomicLong malformed = new AtomicLong();

    private LinuxTunDevice(String name, int fd, int mtu, PacketIo io, boolean offload) {
        this.name = name;
        this.fd = fd;
        this.mtu = mtu;
        this.io = io;
        this.offload = offload;
        if (offload) {
            superBuf = arena.allocate(SUPER_PACKET, 64);
            superPacket = superBuf.asSlice(TcpSegmentation.VNET_HDR_LEN);
            MemorySegment zeroHeader = arena.allocate(TcpSegmentation.VNET_HDR_LEN, 8);
            writeIov = arena.allocate(32, 8);
            writeIov.set(java.lang.foreign.ValueLayout.ADDRESS, 0, zeroHeader);
            writeIov.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, TcpSegmentation.VNET_HDR_LEN);
            coalesceHeader = arena.allocate(TcpSegmentation.VNET_HDR_LEN, 8);
            coalesceBuf = arena.allocate(TcpCoalescing.MAX_PACKET, 64);
            coalesceIov = arena.allocate(32, 8);
            coalesceIov.set(java.lang.foreign.ValueLayout.ADDRESS, 0, coalesceHeader);
            coalesceIov.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, TcpSegmentation.VNET_HDR_LEN);
            coalesceIov.set(java.lang.foreign.ValueLayout.ADDRESS, 16, coalesceBuf);
        } else {
            superBuf = null;
            superPacket = null;
            writeIov = null;
            coalesceHeader = null;
            coalesceBuf = null;
            coalesceIov = null;
        }
    }

    /** Fills batch slots with the segments of one super-packet. */
    private static final class BatchSink implements TcpSegmentation.SegmentSink {
        PacketBatch batch;
        int count;
        boolean full;

        @Override
        public MemorySegment next() {
            if (count == batch.capacity()) {
                full = true;
                return null;
            }
            return batch.segment(count);
        }

        @Override
        public void done(int length) {
            batch.setLength(count++, length);
        }
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}. The link is left down; set its MTU,
     * addresses and state with {@link RtNetlink}. The interface disappears when this is closed.
     */
    public static LinuxTunDevice open(String name, int mtu, PacketIo io) throws IOException {
        return open(name, mtu, io, false);
    }

    /**
     * Like {@link #open(String, int, PacketIo)}; with {@code offload} the device is opened with
     * {@code IFF_VNET_HDR} and accepts TSO and checksum offload, so the kernel passes TCP segments of
     * up to 64 KiB in one read, which {@link #read} splits into MTU-sized packets.
     */
    public static LinuxTunDevice open(String name, int mtu, PacketIo io, boolean offload) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ || name.contains("/") || name.contains(" ")) {
            throw new IOException("'" + name + "' is not a valid interface name (1 to 15 characters, no '/' or spaces)");
        }
        int fd;
        try {
            fd = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: " + Libc.strerror(e.getErrorCode()));
        }
        byte[] ifreq = new byte[40];
        System.arraycopy(nameBytes, 0, ifreq, 0, nameBytes.length);
        short flags = (short) (IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0));
        ifreq[16] = (byte) flags;
        ifreq[17] = (byte) (flags >>> 8);
        try {
            Libc.ioctl(fd, new NativeLong(TUNSETIFF), ifreq);
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw new IOException("cannot create TUN interface " + name + ": " + Libc.strerror(e.getErrorCode()));
        }
        if (offload) {
            try {
                Libc.ioctl(fd, new NativeLong(TUNSETOFFLOAD), new NativeLong(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6));
            } catch (LastErrorException e) {
                Libc.close(fd);
                throw new IOException("cannot enable offloads on " + name + ": " + Libc.strerror(e.getErrorCode()));
            }
        }
        int end = 0;
        while (end < IFNAMSIZ && ifreq[end] != 0) {
            end++;
        }
        return new LinuxTunDevice(new String(ifreq, 0, end, StandardCharsets.US_ASCII), fd, mtu, io, offload);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    public long writeErrors() {
        return writeErrors.get();
    }

    @Override
    public int read(PacketBatch batch, int timeoutMillis) throws IOException {
        if (!gate.enter()) {
            return -1;
        }
        try {
            return readLocked(batch, timeoutMillis);
        } finally {
            gate.exit();
        }
    }

    @Override
    public int pollDescriptor() {
        return fd;
    }

    @Override
    public boolean hasBuffered() {
        return pendingLength > 0;
    }

    /** Packets read but dropped as malformed (offload mode only). */
    public long malformed() {
        return malformed.get();
    }

    private int readOffloaded(PacketBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        sink.batch = batch;
        sink.count = 0;
        sink.full = false;
        if (pendingLength > 0) {
            emitPending();
        }
        while (!sink.full && sink.count < batch.capacity()) {
            if (gate.isClosed()) {
                return -1;
            }
            long r = Libc.read(readErrno, fd, superBuf, SUPER_PACKET);
            if (r >= 0) {
                int length = (int) r - TcpSegmentation.VNET_HDR_LEN;
                if (length <= 0) {
                    continue;
                }
                int gso = TcpSegmentation.gsoType(superBuf);
                if (gso == TcpSegmentation.GSO_NONE) {
                    if (length > batch.slotSize()) {
                        malformed.incrementAndGet();
                        continue;
                    }
                    MemorySegment slot = batch.segment(sink.count);
                    MemorySegment.copy(superPacket, 0, slot, 0, length);
                    if ((TcpSegmentation.flags(superBuf) & TcpSegmentation.F_NEEDS_CSUM) != 0) {
                        TcpSegmentation.completeChecksum(slot, length, TcpSegmentation.csumStart(superBuf),
                            TcpSegmentation.csumOffset(superBuf));
                    }
                    batch.setLength(sink.count++, length);
                } else if (gso == TcpSegmentation.GSO_TCPV4 || gso == TcpSegmentation.GSO_TCPV6) {
                    pendingLength = length;
                    pendingGso = TcpSegmentation.gsoSize(superBuf);
                    pendingNext = 0;
                    emitPending();
                } else {
                    malformed.incrementAndGet();
                }
                continue;
            }
            int errno = Libc.errno(readErrno);
            if (errno == Libc.EINTR) {
                continue;
            }
            if (errno != Libc.EAGAIN) {
                if (gate.isClosed() || errno == Libc.EBADF) {
                    return -1;
                }
                throw new IOException("reading from " + name + ": " + Libc.strerror(errno));
            }
            if (sink.count > 0) {
                break;
            }
            if (Libc.pollIn(readErrno, pollfd, fd, timeoutMillis) == 0) {
                break;
            }
        }
        batch.setCount(sink.count);
        return gate.isClosed() ? -1 : sink.count;
    }

    private void emitPending() {
        sink.full = false;
        int written = TcpSegmentation.split(superPacket, pendingLength, pendingGso, pendingNext, sink);
        if (written < 0) {
            malformed.incrementAndGet();
            pendingLength = 0;
        } else if (sink.full) {
            pendingNext += written;
        } else {
            pendingLength = 0;
        }
    }

    private int readLocked(PacketBatch batch, int timeoutMillis) throws IOException {
        if (offload) {
            return readOffloaded(batch, timeoutMillis);
        }
        batch.clear();
        int n = 0;
        while (n < batch.capacity()) {
            if (gate.isClosed()) {
                return -1;
            }
            MemorySegment slot = batch.segment(n);
            long r;
            int errno;
            if (io == PacketIo.FFM) {
                r = Libc.read(readErrno, fd, slot, slot.byteSize());
                errno = r < 0 ? Libc.errno(readErrno) : 0;
            } else {
                r = Libc.read(fd, new Pointer(slot.address()), new NativeLong(slot.byteSize())).longValue();
                errno = r < 0 ? Native.getLastError() : 0;
            }
            if (r >= 0) {
                batch.setLength(n, (int) r);
                n++;
                continue;
            }
            if (errno == Libc.EINTR) {
                continue;
            }
            if (errno != Libc.EAGAIN) {
                if (gate.isClosed() || errno == Libc.EBADF) {
                    return -1;
                }
                throw new IOException("reading from " + name + ": " + Libc.strerror(errno));
            }
            if (n > 0) {
                break;
            }
            int p = Libc.pollIn(readErrno, pollfd, fd, timeoutMillis);
            if (p == 0) {
                break;
            }
        }
        batch.setCount(n);
        return gate.isClosed() ? -1 : n;
    }

    /**
     * Writes the batch in order; with offloads, runs of consecutive segments of one TCP flow go in as one super-packet
     * ({@link TcpCoalescing}), the way a NIC's GRO would hand them to the kernel.
     */
    @Override
    public void write(PacketBatch batch) throws IOException {
        write(batch, 0, batch.count());
    }

    /**
     * Writes packets {@code from..to-1} of {@code batch}, consecutive segments of one TCP flow as one super-packet
     * where the device takes them (the receiving stack then acknowledges them as one, as after GRO).
     */
    public void write(PacketBatch batch, int from, int to) throws IOException {
        for (int i = from; i < to; ) {
            int run = offload ? TcpCoalescing.runLength(batch, i, to) : 1;
            if (run == 1) {
                write(batch, i);
            } else {
                writeCoalesced(batch, i, run);
            }
            i += run;
        }
    }

    private void writeCoalesced(PacketBatch batch, int from, int run) throws IOException {
        if (!gate.enter()) {
            throw new IOException(name + " is closed");
        }
        try {
            int length = TcpCoalescing.merge(batch, from, run, coalesceHeader, coalesceBuf);
            coalesceIov.set(java.lang.foreign.ValueLayout.JAVA_LONG, 24, length);
            while (true) {
                long r = Libc.writev(writeErrno, fd, coalesceIov, 2);
                if (r >= 0) {
                    coalescedWrites.incrementAndGet();
                    return;
                }
                int errno = Libc.errno(writeErrno);
                if (errno == Libc.EINTR) {
                    continue;
                }
                if (gate.isClosed() || errno == Libc.EBADF) {
                    throw new IOException(name + " is closed");
                }
                writeErrors.incrementAndGet();
                return;
            }
        } finally {
            gate.exit();
        }
    }

    /** Super-packets written in place of runs of TCP segments (offload mode only). */
    public long coalescedWrites() {
        return coalescedWrites.get();
    }

    @Override
    public void write(PacketBatch batch, int slot) throws IOException {
        if (!gate.enter()) {
            throw new IOException(name + " is closed");
        }
        try {
            writeLocked(batch, slot);
        } finally {
            gate.exit();
        }
    }

    private void writeLocked(PacketBatch batch, int slot) throws IOException {
        MemorySegment seg = batch.segment(slot);
        int len = batch.length(slot);
        while (true) {
            long r;
            int errno;
            if (offload) {
                writeIov.set(java.lang.foreign.ValueLayout.ADDRESS, 16, seg);
                writeIov.set(java.lang.foreign.ValueLayout.JAVA_LONG, 24, len);
                r = Libc.writev(writeErrno, fd, writeIov, 2);
                errno = r < 0 ? Libc.errno(writeErrno) : 0;
            } else if (io == PacketIo.FFM) {
                r = Libc.write(writeErrno, fd, seg, len);
                errno = r < 0 ? Libc.errno(writeErrno) : 0;
            } else {
                r = Libc.write(fd, new Pointer(seg.address()), new NativeLong(len)).longValue();
                errno = r < 0 ? Native.getLastError() : 0;
            }
            if (r >= 0) {
                return;
            }
            if (errno == Libc.EINTR) {
                continue;
            }
            if (gate.isClosed() || errno == Libc.EBADF) {
                throw new IOException(name + " is closed");
            }
            // A packet the kernel refuses (bad header, no buffer space) costs that packet only.
            writeErrors.incrementAndGet();
            return;
        }
    }

    @Override
    public void close() {
        // Readers wait in poll with the caller's timeout (the event loop's at most a second) and then see the gate shut.
        if (!gate.close(java.time.Duration.ofSeconds(2), () -> { })) {
            return;
        }
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // Already gone: nothing left to release.
        }
    }
}
