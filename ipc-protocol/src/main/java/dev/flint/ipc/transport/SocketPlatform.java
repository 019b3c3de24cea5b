package dev.flint.ipc.transport;

import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The constants and {@code sockaddr_un} layout that differ between Linux and macOS. Values are
 * from the kernels' public headers ({@code <sys/socket.h>}, {@code <sys/un.h>}, {@code <errno.h>}).
 */
record SocketPlatform(
        boolean linux,
        int solSocket,
        int soPeercred,
        int soNosigpipe,
        int msgNosignal,
        int sockCloexec,
        int maxPathBytes,
        int econnrefused,
        int enoent) {

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    static final int F_SETFD = 2;
    static final int FD_CLOEXEC = 1;
    /** macOS {@code SOL_LOCAL} / {@code LOCAL_PEERPID}. */
    static final int SOL_LOCAL = 0;
    static final int LOCAL_PEERPID = 2;

    static final SocketPlatform LINUX = new SocketPlatform(true, 1, 17, 0, 0x4000, 0x80000, 107, 111, 2);
    static final SocketPlatform MACOS = new SocketPlatform(false, 0xffff, 0, 0x1022, 0, 0, 103, 61, 2);

    static SocketPlatform current() {
        if (Platform.isLinux()) {
            return LINUX;
        }
        if (Platform.isMac()) {
            return MACOS;
        }
        throw new UnsupportedOperationException("Unix domain socket transport needs Linux or macOS; use the named pipe on Windows");
    }

    /** A {@code struct sockaddr_un} for {@code path}, NUL-terminated. */
    byte[] socketAddress(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxPathBytes) {
            throw new IllegalArgumentException("Socket path is " + bytes.length + " bytes; the limit is " + maxPathBytes + ": " + path);
        }
        ByteBuffer address = ByteBuffer.allocate(2 + bytes.length + 1).order(ByteOrder.nativeOrder());
        if (linux) {
            address.putShort((short) AF_UNIX);
        } else {
            address.put((byte) address.capacity()).put((byte) AF_UNIX);
        }
        address.put(bytes).put((byte) 0);
        return address.array();
    }
}
