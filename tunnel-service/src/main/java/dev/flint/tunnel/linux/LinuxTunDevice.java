package dev.flint.tunnel.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.flint.tunnel.PacketBatch;
import dev.flint.tunnel.TunDevice;
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
    static final int IFNAMSIZ = 16;

    private final String name;
    private final int fd;
    private final int mtu;
    private final PacketIo io;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readErrno = Libc.newErrnoState(arena);
    private final MemorySegment writeErrno = Libc.newErrnoState(arena);
    private final MemorySegment pollfd = arena.allocate(8, 8);
    private volatile boolean closed;
    private final AtomicLong writeErrors = new AtomicLong();
    // Calls in progress: the descriptor is released only when none is, so its number cannot be
    // reused under a thread still reading or writing it.
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    private LinuxTunDevice(String name, int fd, int mtu, PacketIo io) {
        this.name = name;
        this.fd = fd;
        this.mtu = mtu;
        this.io = io;
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}. The link is left down; set its MTU,
     * addresses and state with {@link RtNetlink}. The interface disappears when this is closed.
     */
    public static LinuxTunDevice open(String name, int mtu, PacketIo io) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ || name.contains("/") || name.contains(" ")) {
            throw new IOException("'" + name + "' is not a valid interface name (1 to 15 characters, no '/' or spaces)");
        }
        int fd;
        try {
            fd = JnaLibc.open("/dev/net/tun", JnaLibc.O_RDWR | JnaLibc.O_NONBLOCK | JnaLibc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: " + JnaLibc.strerror(e.getErrorCode()));
        }
        byte[] ifreq = new byte[40];
        System.arraycopy(nameBytes, 0, ifreq, 0, nameBytes.length);
        short flags = (short) (IFF_TUN | IFF_NO_PI);
        ifreq[16] = (byte) flags;
        ifreq[17] = (byte) (flags >>> 8);
        try {
            JnaLibc.ioctl(fd, new NativeLong(TUNSETIFF), ifreq);
        } catch (LastErrorException e) {
            JnaLibc.close(fd);
            throw new IOException("cannot create TUN interface " + name + ": " + JnaLibc.strerror(e.getErrorCode()));
        }
        int end = 0;
        while (end < IFNAMSIZ && ifreq[end] != 0) {
            end++;
        }
        return new LinuxTunDevice(new String(ifreq, 0, end, StandardCharsets.US_ASCII), fd, mtu, io);
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
        inFlight.incrementAndGet();
        try {
            return readLocked(batch, timeoutMillis);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private int readLocked(PacketBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        int n = 0;
        while (n < batch.capacity()) {
            if (closed) {
                return -1;
            }
            MemorySegment slot = batch.segment(n);
            long r;
            int errno;
            if (io == PacketIo.FFM) {
                r = Libc.read(readErrno, fd, slot, slot.byteSize());
                errno = r < 0 ? Libc.errno(readErrno) : 0;
            } else {
                r = JnaLibc.read(fd, new Pointer(slot.address()), new NativeLong(slot.byteSize())).longValue();
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
                if (closed || errno == Libc.EBADF) {
                    return -1;
                }
                throw new IOException("reading from " + name + ": " + JnaLibc.strerror(errno));
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
        return closed ? -1 : n;
    }

    @Override
    public void write(PacketBatch batch) throws IOException {
        for (int i = 0; i < batch.count(); i++) {
            write(batch, i);
        }
    }

    @Override
    public void write(PacketBatch batch, int slot) throws IOException {
        inFlight.incrementAndGet();
        try {
            writeLocked(batch, slot);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void writeLocked(PacketBatch batch, int slot) throws IOException {
        if (closed) {
            throw new IOException(name + " is closed");
        }
        MemorySegment seg = batch.segment(slot);
        int len = batch.length(slot);
        while (true) {
            long r;
            int errno;
            if (io == PacketIo.FFM) {
                r = Libc.write(writeErrno, fd, seg, len);
                errno = r < 0 ? Libc.errno(writeErrno) : 0;
            } else {
                r = JnaLibc.write(fd, new Pointer(seg.address()), new NativeLong(len)).longValue();
                errno = r < 0 ? Native.getLastError() : 0;
            }
            if (r >= 0) {
                return;
            }
            if (errno == Libc.EINTR) {
                continue;
            }
            if (closed || errno == Libc.EBADF) {
                throw new IOException(name + " is closed");
            }
            // A packet the kernel refuses (bad header, no buffer space) costs that packet only.
            writeErrors.incrementAndGet();
            return;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        try {
            JnaLibc.close(fd);
        } catch (LastErrorException ignored) {
            // Already gone: nothing left to release.
        }
    }
}
