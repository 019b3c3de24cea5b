package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The control-path system calls through JNA direct mapping: opening the TUN device, ioctls,
 * sockets for netlink and UDP set-up. Calls throw {@link LastErrorException} on failure.
 */
final class JnaLibc {

    static {
        Native.register(JnaLibc.class, "c");
    }

    private JnaLibc() {
    }

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

    /** Per-packet calls, for comparing JNA with the foreign function API (see BENCHMARKS.md). */
    static native NativeLong read(int fd, Pointer buf, NativeLong count);

    static native NativeLong write(int fd, Pointer buf, NativeLong count);

    static native String strerror(int errnum);
}
