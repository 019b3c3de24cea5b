package dev.flint.tunnel.os;

import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.ipc.transport.StreamPair;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An IPC endpoint in memory, standing in for the named pipe (or a socket) where the OS's own
 * cannot run: a client "connects" as any {@link PeerIdentity} the test chooses, and both ends are
 * {@link DuplexStream}s like the real ones (blocking reads, end of stream once either end closes).
 */
public final class MemoryIpc implements IpcListener.Binder {
    private static final DuplexStream CLOSED = StreamPair.connected(new PeerIdentity.Unknown()).server();

    private final BlockingQueue<DuplexStream> pending = new LinkedBlockingQueue<>();
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile boolean closed;
    private int binds;

    @Override
    public synchronized IpcListener bind() throws IOException {
        if (binds++ > 0 && !closed) {
            throw new java.nio.file.AccessDeniedException("memory pipe", null, "already bound");
        }
        closed = false;
        bound.countDown();
        return new IpcListener() {
            @Override
            public DuplexStream accept() throws IOException {
                try {
                    DuplexStream next = pending.take();
                    if (next == CLOSED) {
                        throw new IOException("the endpoint is closed");
                    }
                    return next;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }

            @Override
            public String address() {
                return "memory";
            }

            @Override
            public void close() {
                closed = true;
                pending.add(CLOSED);
            }
        };
    }

    /** Whether the service has let go of the endpoint. */
    public boolean closed() {
        return closed;
    }

    /** Waits until the service has bound the endpoint, then connects as {@code peer}; returns the client's end. */
    public DuplexStream connect(PeerIdentity peer) throws InterruptedException {
        bound.await();
        StreamPair pair = StreamPair.connected(peer);
        pending.add(pair.server());
        return pair.client();
    }
}
