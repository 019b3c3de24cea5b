package dev.flint.ipc.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc socket calls the Unix transport needs. Every call reports failure as a
 * {@link LastErrorException} carrying errno; {@link UnixSocket} is the only user and turns those
 * into {@link java.io.IOException}s. Sizes are {@code long} because size_t/ssize_t are 64-bit on
 * the LP64 platforms this runs on (Linux, macOS).
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load(Platform.C_LIBRARY_NAME, LibC.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int accept(int fd, Pointer address, Pointer addressLength) throws LastErrorException;

    /** Linux only: accept with SOCK_CLOEXEC atomically. */
    int accept4(int fd, Pointer address, Pointer addressLength, int flags) throws LastErrorException;

    int connect(int fd, byte[] address, int addressLength) throws LastErrorException;

    int getsockopt(int fd, int level, int option, int[] value, IntByReference valueLength) throws LastErrorException;

    int setsockopt(int fd, int level, int option, int[] value, int valueLength) throws LastErrorException;

    /** macOS (and the BSDs): effective uid and gid of the peer. */
    int getpeereid(int fd, IntByReference uid, IntByReference gid) throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int shutdown(int fd, int how) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fcntl(int fd, int command, int argument) throws LastErrorException;
}
