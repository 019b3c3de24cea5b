package dev.flint.tunnel.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * systemd's {@code Type=notify} readiness: one {@code READY=1} datagram to {@code $NOTIFY_SOCKET}.
 * The JDK's Unix-domain channels are stream-only, so this sends through libc with JNA.
 */
public final class SystemdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH = 108;

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd);
    }

    private SystemdNotify() {
    }

    /** Sends {@code state} if the service was started by systemd with a notify socket; false otherwise. */
    public static boolean send(Map<String, String> environment, String state) throws IOException {
        String socket = environment.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return false;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length >= SUN_PATH) {
            throw new IOException("NOTIFY_SOCKET path is too long");
        }
        if (path[0] == '@') {
            path[0] = 0; // abstract namespace
        }
        byte[] address = new byte[2 + path.length + (path[0] == 0 ? 0 : 1)];
        address[0] = (byte) AF_UNIX;
        System.arraycopy(path, 0, address, 2, path.length);
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = C.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a datagram socket for systemd (errno " + e.getErrorCode() + ")");
        }
        try {
            C.INSTANCE.sendto(fd, message, message.length, 0, address, address.length);
            return true;
        } catch (LastErrorException e) {
            throw new IOException("cannot notify systemd at " + socket + " (errno " + e.getErrorCode() + ")");
        } finally {
            C.INSTANCE.close(fd);
        }
    }
}
