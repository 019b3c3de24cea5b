package dev.flint.ipc.transport;

import java.io.Closeable;
import java.io.IOException;

/**
 * A connected, blocking byte stream (a Unix socket or a named pipe instance). Reads and writes may
 * run on different threads; {@link #close()} from any thread wakes a blocked reader.
 */
public interface DuplexStream extends Closeable {

    /** Reads up to {@code length} bytes; returns -1 at end of stream (peer closed, or this side closed). */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /** Writes all bytes or throws. Callers serialise writes; implementations need not. */
    void writeFully(byte[] bytes) throws IOException;

    /** The identity of the peer, as far as the platform reports it. */
    PeerIdentity peer();

    @Override
    void close();
}
