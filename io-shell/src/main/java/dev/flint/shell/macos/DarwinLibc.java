package dev.flint.shell.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The one binding of macOS's libc (libSystem), for the utun device, the routing socket and the
 * process table. {@code ioctl} and {@code fcntl} are variadic, and Apple's arm64 ABI passes variadic
 * arguments differently from fixed ones, so they are declared variadic here too. The library is
 * bound on first use, so this compiles and links on every OS. Not yet run on macOS.
 */
final class DarwinLibc {
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 35;
    static final short POLLIN = 0x1;

    interface C extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Object... arguments) throws LastErrorException;

        int fcntl(int fd, int command, Object... arguments) throws LastErrorException;

        int connect(int fd, byte[] address, int length) throws LastErrorException;

        int getsockopt(int fd, int level, int option, byte[] value, IntByReference length) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong length);

        NativeLong readv(int fd, Pointer iov, int count);

        NativeLong writev(int fd, Pointer iov, int count);

        int poll(Pointer fds, int count, int timeout);

        int close(int fd);

        int if_nametoindex(String name);

        /** libproc: the executable of a process, up to {@code PROC_PIDPATHINFO_MAXSIZE} bytes. */
        int proc_pidpath(int pid, byte[] buffer, int size);
    }

    private DarwinLibc() {
    }

    private static final class Holder {
        static final C INSTANCE = Native.load("c", C.class);
    }

    static C c() {
        return Holder.INSTANCE;
    }
}
