package dev.flint.shell.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux's libc, the one binding of it: the per-packet system calls through the JDK's foreign
 * function API, and the control-path calls (opening the TUN device, ioctls, sockets for netlink,
 * UDP set-up and systemd's notify socket) through JNA direct mapping.
 *
 * <p>Every per-packet call takes an errno capture segment ({@link #newErrnoState}) owned by the
 * calling thread and returns the raw result; a negative result means {@link #errno} holds the
 * reason. The JNA calls throw {@link LastErrorException} on failure.
 */
final class Libc {

    static {
        Native.register(Libc.class, "c");
    }

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EIO = 5;
    static final int EMSGSIZE = 90;
    static final int ENOBUFS = 105;
    static final int ECONNREFUSED = 111;
    static final int EBADF = 9;
    static final short POLLIN = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle READ = handle("read",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITEV = handle("writev",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = handle("poll",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMMSG = handle("recvmmsg",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = handle("sendmmsg",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDMSG = handle("sendmsg",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, ERRNO_OPTION);
    }

    static MemorySegment newErrnoState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static long read(MemorySegment errno, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(errno, fd, buf, count);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long write(MemorySegment errno, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(errno, fd, buf, count);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long writev(MemorySegment errno, int fd, MemorySegment iov, int count) {
        try {
            return (long) WRITEV.invokeExact(errno, fd, iov, count);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code poll} on one descriptor for POLLIN; {@code pollfd} is an 8-byte scratch segment. */
    static int pollIn(MemorySegment errno, MemorySegment pollfd, int fd, int timeoutMillis) {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_INT, 4, POLLIN);
        try {
            return (int) POLL.invokeExact(errno, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int recvmmsg(MemorySegment errno, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(errno, fd, msgvec, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int sendmmsg(MemorySegment errno, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(errno, fd, msgvec, vlen, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long sendmsg(MemorySegment errno, int fd, MemorySegment msg, int flags) {
        try {
            return (long) SENDMSG.invokeExact(errno, fd, msg, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    // ---- control path, JNA direct mapping

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, byte[] arg) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

    static native int getsockname(int fd, byte[] addr, int[] len) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, int[] value, int len) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, int[] value, int[] len) throws LastErrorException;

    static native NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int if_nametoindex(String name) throws LastErrorException;

    static native int sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
        throws LastErrorException;

    /** Per-packet calls, for comparing JNA with the foreign function API (see BENCHMARKS.md). */
    static native NativeLong read(int fd, Pointer buf, NativeLong count);

    static native NativeLong write(int fd, Pointer buf, NativeLong count);

    static native String strerror(int errnum);
}
