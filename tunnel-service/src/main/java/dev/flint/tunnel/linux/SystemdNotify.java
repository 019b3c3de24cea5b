package dev.flint.tunnel.linux;

import dev.flint.shell.linux.UnixDatagram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * systemd's {@code Type=notify} readiness: one {@code READY=1} datagram to {@code $NOTIFY_SOCKET}.
 * The datagram goes through io-shell's {@link UnixDatagram} (the JDK's Unix-domain channels are stream-only).
 */
public final class SystemdNotify {
    private static final int AF_UNIX = 1;
    private static final int SUN_PATH = 108;

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
        try {
            UnixDatagram.send(address, state.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            throw new IOException("cannot notify systemd at " + socket + ": " + e.getMessage(), e);
        }
    }
}
