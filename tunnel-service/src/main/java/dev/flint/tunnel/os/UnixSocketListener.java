package dev.flint.tunnel.os;

import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.SocketFilePolicy;
import dev.flint.ipc.transport.UnixSocketServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The service's endpoint on Linux and macOS (both POSIX): a Unix socket, mode 0660 in the client
 * group, so the kernel already refuses every user outside it; each connection carries the peer's
 * credentials for the {@link PeerCheck}.
 */
public final class UnixSocketListener implements IpcListener {
    /** The group whose members may use the service on Linux and macOS (created by the packages). */
    public static final String CLIENT_GROUP = "flint-client";

    private final UnixSocketServer server;
    private final Path path;

    private UnixSocketListener(UnixSocketServer server, Path path) {
        this.server = server;
        this.path = path;
    }

    /** Binds {@code path} with the tunnel service's modes and, when it exists, {@code group}. */
    public static IpcListener.Binder binder(Path path, Optional<String> group) {
        return () -> {
            SocketFilePolicy base = SocketFilePolicy.tunnelService();
            return new UnixSocketListener(UnixSocketServer.bind(path,
                    new SocketFilePolicy(base.socketMode(), group, base.directoryMode())), path);
        };
    }

    @Override
    public DuplexStream accept() throws IOException {
        return server.accept();
    }

    @Override
    public String address() {
        return path.toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
