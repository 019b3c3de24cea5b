package dev.flint.shell.macos;

import dev.flint.shell.DeviceGate;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.TunDevice;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A macOS utun interface: a {@code PF_SYSTEM} datagram socket connected to the kernel control
 * {@code com.apple.net.utun_control}. Every packet crosses with a 4-byte protocol family in front
 * ({@code AF_INET} 2 or {@code AF_INET6} 30, big-endian), split off and added here with
 * {@code readv}/{@code writev} so the packet itself lands straight in its batch slot. The
 * interface exists as long as the socket: closing it (or the process dying) removes the interface
 * with its addresses and routes. Not yet run on macOS.
 */
public final class UtunDevice implements TunDevice {
    static final int PF_SYSTEM = 32;
    static final int AF_SYSTEM = 32;
    static final int AF_SYS_CONTROL = 2;
    static final int SOCK_DGRAM = 2;
    static final int SYSPROTO_CONTROL = 2;
    static final int UTUN_OPT_IFNAME = 2;
    /** {@code _IOWR('N', 3, struct ctl_info)} with the struct's 100 bytes. */
    static final long CTLIOCGINFO = 0xc0644e03L;
    static final String UTUN_CONTROL = "com.apple.net.utun_control";
    static final int CTL_INFO_SIZE = 100;
    static final int MAX_KCTL_NAME = 96;
    static final int SOCKADDR_CTL_SIZE = 32;
    static final int IFNAMSIZ = 16;
    static final int AF_INET = 2;
    static final int AF_INET6 = 30;
    static final int HEADER = 4;
    /** How long one poll may block before the reader looks at the closed flag again. */
    private static final int POLL_SLICE_MILLIS = 200;

    private final UtunSyscalls sys;
    /** Nanoseconds for read deadlines: the system's clock, or the in-memory kernel's in tests. */
    private final LongSupplier nanoTime;
    private final int fd;
    private final String name;
    private final int mtu;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readHeader = arena.allocate(HEADER);
    private final MemorySegment writeHeader = arena.allocate(HEADER);
    private final DeviceGate gate = new DeviceGate();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private UtunDevice(UtunSyscalls sys, LongSupplier nanoTime, int fd, String name, int mtu) {
        this.sys = sys;
        this.nanoTime = nanoTime;
        this.fd = fd;
        this.name = name;
        this.mtu = mtu;
    }

    /**
     * Creates a utun interface: {@code utunN} asks for that unit, plain {@code utun} lets the
     * kernel pick the first free one. The interface's real name is {@link #name()}.
     */
    public static UtunDevice open(UtunSyscalls sys, String requestedName, int mtu) throws IOException {
        return open(sys, requestedName, mtu, System::nanoTime);
    }

    /** As {@link #open(UtunSyscalls, String, int)}, with read timeouts measured on {@code nanoTime}. */
    public static UtunDevice open(UtunSyscalls sys, String requestedName, int mtu, LongSupplier nanoTime)
            throws IOException {
        int unit = requestedUnit(requestedName);
        int fd = sys.socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        try {
            byte[] info = ctlInfo(UTUN_CONTROL);
            sys.ioctl(fd, CTLIOCGINFO, info);
            sys.connect(fd, sockaddrCtl(ctlId(info), unit + 1));
            String name = cString(sys.getsockopt(fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, IFNAMSIZ));
            sys.configure(fd);
            return new UtunDevice(sys, nanoTime, fd, name, mtu);
        } catch (IOException | RuntimeException e) {
            sys.close(fd);
            throw e;
        }
    }

    /** -1 for "any unit" ({@code sc_unit} 0), else N of {@code utunN}. */
    public static int requestedUnit(String name) {
        if (name.equals("utun")) {
            return -1;
        }
        if (!name.matches("utun[0-9]{1,4}")) {
            throw new IllegalArgumentException("a macOS tunnel interface is named utun or utunN, not '" + name + "'");
        }
        return Integer.parseInt(name.substring(4));
    }

    /** {@code struct ctl_info}: a host-order id the kernel fills in, then the control's name. */
    static byte[] ctlInfo(String controlName) {
        byte[] name = controlName.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= MAX_KCTL_NAME) {
            throw new IllegalArgumentException("control name too long");
        }
        byte[] info = new byte[CTL_INFO_SIZE];
        System.arraycopy(name, 0, info, 4, name.length);
        return info;
    }

    static int ctlId(byte[] info) {
        return ByteBuffer.wrap(info).order(ByteOrder.nativeOrder()).getInt(0);
    }

    /** {@code struct sockaddr_ctl} for {@code connect}: unit 0 lets the kernel choose. */
    static byte[] sockaddrCtl(int ctlId, int scUnit) {
        ByteBuffer address = ByteBuffer.allocate(SOCKADDR_CTL_SIZE).order(ByteOrder.nativeOrder());
        address.put((byte) SOCKADDR_CTL_SIZE)       // sc_len
                .put((byte) AF_SYSTEM)              // sc_family
                .putShort((short) AF_SYS_CONTROL)   // ss_sysaddr
                .putInt(ctlId)                      // sc_id
                .putInt(scUnit);                    // sc_unit; sc_reserved[5] stays zero
        return address.array();
    }

    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** The family header for an IP packet, by its version nibble; 0 for anything else. */
    static int familyFor(MemorySegment packet, int length) {
        if (length < 1) {
            return 0;
        }
        return switch ((packet.get(ValueLayout.JAVA_BYTE, 0) >> 4) & 0xf) {
            case 4 -> AF_INET;
            case 6 -> AF_INET6;
            default -> 0;
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Datagrams read that were too short for the header or named an unknown family. */
    public long malformed() {
        return malformed.get();
    }

    /** Packets written that the kernel had no room for, or that were not IPv4 or IPv6. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public int read(PacketBatch batch, int timeoutMillis) throws IOException {
        if (!gate.enter()) {
            return -1;
        }
        try {
            return readOpen(batch, timeoutMillis);
        } finally {
            gate.exit();
        }
    }

    private int readOpen(PacketBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0));
        boolean polled = false;
        int n = 0;
        while (n < batch.capacity()) {
            if (gate.isClosed()) {
                return -1;
            }
            long r = sys.read(fd, readHeader, batch.segment(n));
            if (r >= 0) {
                int family = readHeader.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
                if (r <= HEADER || (family != AF_INET && family != AF_INET6)) {
                    malformed.incrementAndGet();
                    continue;
                }
                batch.setLength(n++, (int) (r - HEADER));
                continue;
            }
            int errno = (int) -r;
            if (errno == UtunSyscalls.EINTR) {
                continue;
            }
            if (errno != UtunSyscalls.EAGAIN) {
                if (gate.isClosed() || errno == UtunSyscalls.EBADF) {
                    return -1;
                }
                throw new IOException("reading from " + name + " failed (errno " + errno + ")");
            }
            if (n > 0) {
                break;
            }
            int slice = POLL_SLICE_MILLIS;
            if (timeoutMillis >= 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - nanoTime.getAsLong());
                if (left <= 0 && polled) {
                    break;
                }
                slice = (int) Math.min(Math.max(left, 0), POLL_SLICE_MILLIS);
            }
            polled = true;
            int p = sys.pollIn(fd, slice);
            if (p < 0 && -p != UtunSyscalls.EINTR) {
                if (gate.isClosed()) {
                    return -1;
                }
                throw new IOException("waiting for packets on " + name + " failed (errno " + -p + ")");
            }
        }
        batch.setCount(n);
        return gate.isClosed() ? -1 : n;
    }

    @Override
    public void write(PacketBatch batch) throws IOException {
        for (int i = 0; i < batch.count(); i++) {
            write(batch, i);
        }
    }

    @Override
    public void write(PacketBatch batch, int slot) throws IOException {
        if (!gate.enter()) {
            throw new IOException(name + " is closed");
        }
        try {
            MemorySegment packet = batch.segment(slot);
            int length = batch.length(slot);
            int family = familyFor(packet, length);
            if (family == 0) {
                dropped.incrementAndGet();
                return;
            }
            writeHeader.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, family);
            while (true) {
                long r = sys.write(fd, writeHeader, packet, length);
                if (r >= 0) {
                    return;
                }
                int errno = (int) -r;
                if (errno == UtunSyscalls.EINTR) {
                    continue;
                }
                if (gate.isClosed() || errno == UtunSyscalls.EBADF) {
                    throw new IOException(name + " is closed");
                }
                // No buffer space or a packet the kernel refuses: that packet is lost, not the device.
                dropped.incrementAndGet();
                return;
            }
        } finally {
            gate.exit();
        }
    }

    /**
     * Closes the socket, which removes the interface with its addresses and routes. Readers poll in
     * short slices and see the gate shut; the descriptor number must not be reused under them.
     */
    @Override
    public void close() {
        if (!gate.close(java.time.Duration.ofSeconds(2), () -> { })) {
            return;
        }
        sys.close(fd);
        if (gate.inFlight() == 0) {
            arena.close();
        }
    }
}
