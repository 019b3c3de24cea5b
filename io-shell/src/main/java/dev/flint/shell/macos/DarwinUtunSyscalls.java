package dev.flint.shell.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** {@link UtunSyscalls} on macOS's libc ({@link DarwinLibc}). Not yet run on macOS. */
public final class DarwinUtunSyscalls implements UtunSyscalls {
    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int FD_CLOEXEC = 1;
    private static final int O_NONBLOCK = 0x4;

    // Two iovecs (16 bytes each on 64-bit) and a pollfd per thread: reader and writer run apart.
    private final ThreadLocal<Memory> iov = ThreadLocal.withInitial(() -> new Memory(32));
    private final ThreadLocal<Memory> pollfd = ThreadLocal.withInitial(() -> new Memory(8));

    private static IOException failure(String call, LastErrorException e) {
        return new IOException(call + " failed (errno " + e.getErrorCode() + ")");
    }

    @Override
    public int socket(int domain, int type, int protocol) throws IOException {
        try {
            return DarwinLibc.c().socket(domain, type, protocol);
        } catch (LastErrorException e) {
            throw failure("socket(PF_SYSTEM)", e);
        }
    }

    @Override
    public void ioctl(int fd, long request, byte[] argument) throws IOException {
        try (Memory memory = new Memory(argument.length)) {
            memory.write(0, argument, 0, argument.length);
            DarwinLibc.c().ioctl(fd, new NativeLong(request), memory);
            memory.read(0, argument, 0, argument.length);
        } catch (LastErrorException e) {
            throw failure("ioctl(CTLIOCGINFO)", e);
        }
    }

    @Override
    public void connect(int fd, byte[] address) throws IOException {
        try {
            DarwinLibc.c().connect(fd, address, address.length);
        } catch (LastErrorException e) {
            throw failure("connect(utun_control)", e);
        }
    }

    @Override
    public byte[] getsockopt(int fd, int level, int option, int length) throws IOException {
        byte[] value = new byte[length];
        IntByReference size = new IntByReference(length);
        try {
            DarwinLibc.c().getsockopt(fd, level, option, value, size);
        } catch (LastErrorException e) {
            throw failure("getsockopt(UTUN_OPT_IFNAME)", e);
        }
        return Arrays.copyOf(value, Math.min(size.getValue(), length));
    }

    @Override
    public void configure(int fd) throws IOException {
        try {
            DarwinLibc.c().fcntl(fd, F_SETFD, FD_CLOEXEC);
            int flags = DarwinLibc.c().fcntl(fd, F_GETFL, 0);
            DarwinLibc.c().fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        } catch (LastErrorException e) {
            throw failure("fcntl", e);
        }
    }

    private static Memory iovec(Memory iov, MemorySegment header, MemorySegment packet, long packetLength) {
        iov.setPointer(0, new Pointer(header.address()));
        iov.setLong(8, header.byteSize());
        iov.setPointer(16, new Pointer(packet.address()));
        iov.setLong(24, packetLength);
        return iov;
    }

    @Override
    public long read(int fd, MemorySegment header, MemorySegment packet) {
        long r = DarwinLibc.c().readv(fd, iovec(iov.get(), header, packet, packet.byteSize()), 2).longValue();
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public long write(int fd, MemorySegment header, MemorySegment packet, int length) {
        long r = DarwinLibc.c().writev(fd, iovec(iov.get(), header, packet, length), 2).longValue();
        return r >= 0 ? r : -Native.getLastError();
    }

    @Override
    public int pollIn(int fd, int timeoutMillis) {
        Memory fds = pollfd.get();
        fds.setInt(0, fd);
        fds.setShort(4, DarwinLibc.POLLIN);
        fds.setShort(6, (short) 0);
        int r = DarwinLibc.c().poll(fds, 1, timeoutMillis);
        return r >= 0 ? Math.min(r, 1) : -Native.getLastError();
    }

    @Override
    public void close(int fd) {
        DarwinLibc.c().close(fd);
    }
}
