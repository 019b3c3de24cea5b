package dev.flint.shell.macos;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The Darwin system calls a utun device needs, with the structs as byte arrays already encoded by
 * {@link UtunDevice}. {@link DarwinUtunSyscalls} makes the real calls through libc; tests use an
 * in-memory kernel. Packet calls return the byte count, or the negated {@code errno}.
 */
public interface UtunSyscalls {
    int EINTR = 4;
    int EBADF = 9;
    int EAGAIN = 35;
    int ENOBUFS = 55;

    int socket(int domain, int type, int protocol) throws IOException;

    /** {@code ioctl} with an in/out struct argument. */
    void ioctl(int fd, long request, byte[] argument) throws IOException;

    void connect(int fd, byte[] address) throws IOException;

    /** {@code getsockopt}: the option's bytes, at most {@code length}. */
    byte[] getsockopt(int fd, int level, int option, int length) throws IOException;

    /** Makes {@code fd} non-blocking and close-on-exec. */
    void configure(int fd) throws IOException;

    /** {@code readv} of one datagram into a 4-byte {@code header} and the {@code packet} after it. */
    long read(int fd, MemorySegment header, MemorySegment packet);

    /** {@code writev} of {@code header} and the first {@code length} bytes of {@code packet} as one datagram. */
    long write(int fd, MemorySegment header, MemorySegment packet, int length);

    /** {@code poll} for input: 1 when readable, 0 after the timeout, negative errno. */
    int pollIn(int fd, int timeoutMillis);

    void close(int fd);
}
