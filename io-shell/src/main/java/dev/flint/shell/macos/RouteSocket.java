package dev.flint.shell.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.flint.shell.DeviceGate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code PF_ROUTE} socket: the kernel writes one message to it for every route added, changed
 * or deleted, every address added or removed, and every interface that changes state, which is
 * what macOS's own tools watch ({@code route monitor}). Decoding ({@link #interfacesIn}) is plain
 * Java over the {@code <net/route.h>} and {@code <net/if.h>} layouts. Not yet run on macOS.
 */
public final class RouteSocket implements AutoCloseable {
    static final int PF_ROUTE = 17;
    static final int SOCK_RAW = 3;
    static final int AF_UNSPEC = 0;
    static final int RTM_ADD = 0x1;
    static final int RTM_DELETE = 0x2;
    static final int RTM_CHANGE = 0x3;
    static final int RTM_NEWADDR = 0xc;
    static final int RTM_DELADDR = 0xd;
    static final int RTM_IFINFO = 0xe;
    /** {@code rt_msghdr.rtm_index}: after length, version and type. */
    static final int RT_INDEX = 4;
    /** {@code if_msghdr.ifm_index} and {@code ifa_msghdr.ifam_index}: after length, version, type, addrs, flags. */
    static final int IF_INDEX = 12;

    private final int fd;
    private final Memory pollfd = new Memory(8);
    // The reader polls in slices; the descriptor is closed only once it is out, so its number is never reused under it.
    private final DeviceGate gate = new DeviceGate();

    private RouteSocket(int fd) {
        this.fd = fd;
    }

    public static RouteSocket open() throws IOException {
        try {
            return new RouteSocket(DarwinLibc.c().socket(PF_ROUTE, SOCK_RAW, AF_UNSPEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot open a routing socket (errno " + e.getErrorCode() + ")");
        }
    }

    /** The interface index of {@code name}, or 0 if there is none. */
    public static int interfaceIndex(String name) {
        return DarwinLibc.c().if_nametoindex(name);
    }

    /**
     * Waits up to {@code timeoutMillis} for messages and reads them into {@code buffer}: the byte
     * count, 0 after the timeout or an interruption, -1 once closed.
     */
    public int receive(byte[] buffer, int timeoutMillis) throws IOException {
        if (!gate.enter()) {
            return -1;
        }
        try {
            return receiveOpen(buffer, timeoutMillis);
        } finally {
            gate.exit();
        }
    }

    private int receiveOpen(byte[] buffer, int timeoutMillis) throws IOException {
        pollfd.setInt(0, fd);
        pollfd.setShort(4, DarwinLibc.POLLIN);
        pollfd.setShort(6, (short) 0);
        int ready = DarwinLibc.c().poll(pollfd, 1, timeoutMillis);
        if (ready <= 0) {
            int errno = ready < 0 ? Native.getLastError() : 0;
            if (ready < 0 && errno != DarwinLibc.EINTR && !gate.isClosed()) {
                throw new IOException("waiting on the routing socket failed (errno " + errno + ")");
            }
            return gate.isClosed() ? -1 : 0;
        }
        long n = DarwinLibc.c().read(fd, buffer, new NativeLong(buffer.length)).longValue();
        if (n < 0) {
            int errno = Native.getLastError();
            if (gate.isClosed() || errno == DarwinLibc.EBADF) {
                return -1;
            }
            if (errno == DarwinLibc.EINTR || errno == DarwinLibc.EAGAIN) {
                return 0;
            }
            throw new IOException("reading the routing socket failed (errno " + errno + ")");
        }
        return (int) n;
    }

    /** The interface indexes the route, address and interface messages in {@code messages} are about. */
    public static Set<Integer> interfacesIn(ByteBuffer messages) {
        ByteBuffer m = messages.duplicate().order(ByteOrder.nativeOrder());
        Set<Integer> indexes = new TreeSet<>();
        int offset = m.position();
        while (offset + 4 <= m.limit()) {
            int length = m.getShort(offset) & 0xffff;
            int type = m.get(offset + 3) & 0xff;
            if (length < 4 || offset + length > m.limit()) {
                break;
            }
            switch (type) {
                case RTM_ADD, RTM_DELETE, RTM_CHANGE -> {
                    if (length >= RT_INDEX + 2) {
                        indexes.add(m.getShort(offset + RT_INDEX) & 0xffff);
                    }
                }
                case RTM_NEWADDR, RTM_DELADDR, RTM_IFINFO -> {
                    if (length >= IF_INDEX + 2) {
                        indexes.add(m.getShort(offset + IF_INDEX) & 0xffff);
                    }
                }
                default -> {
                    // Lookups, misses and multicast membership say nothing about the paths out.
                }
            }
            offset += length;
        }
        return indexes;
    }

    @Override
    public void close() {
        if (gate.close(java.time.Duration.ofSeconds(2), () -> { })) {
            DarwinLibc.c().close(fd);
        }
    }
}
