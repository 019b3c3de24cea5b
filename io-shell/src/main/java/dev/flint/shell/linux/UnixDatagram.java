package dev.flint.shell.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;

/**
 * One datagram to a Unix-domain datagram socket, such as systemd's {@code $NOTIFY_SOCKET}: the
 * JDK's Unix-domain channels are stream-only.
 */
public final class UnixDatagram {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    private UnixDatagram() {
    }

    /** Sends {@code message} to the {@code sockaddr_un} {@code address}, from a socket opened for it alone. */
    public static void send(byte[] address, byte[] message) throws IOException {
        int fd;
        try {
            fd = Libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a datagram socket: " + Libc.strerror(e.getErrorCode()));
        }
        try {
            Libc.sendto(fd, message, new NativeLong(message.length), 0, address, address.length);
        } catch (LastErrorException e) {
            throw new IOException("cannot send: " + Libc.strerror(e.getErrorCode()));
        } finally {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // The datagram went or did not; nothing is left to release.
            }
        }
    }
}
