package dev.flint.tunnel.os;

import dev.flint.ipc.transport.DuplexStream;
import java.io.IOException;

/**
 * Where the service waits for the GUI: a Unix socket on Linux and macOS, a named pipe on Windows.
 * Each accepted stream names its peer ({@link DuplexStream#peer()}) for the {@link PeerCheck}.
 */
public interface IpcListener extends AutoCloseable {

    /** Binds the endpoint; fails while another service is listening on it. */
    @FunctionalInterface
    interface Binder {
        IpcListener bind() throws IOException;
    }

    /** Blocks until a client connects; fails once closed. */
    DuplexStream accept() throws IOException;

    /** The socket path or pipe name, for the log. */
    String address();

    /** Stops listening and wakes a blocked {@link #accept()}; idempotent. */
    @Override
    void close();
}
