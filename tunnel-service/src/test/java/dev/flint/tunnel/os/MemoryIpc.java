package dev.flint.tunnel.os;

import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.PeerIdentity;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An IPC endpoint in memory, standing in for the named pipe (or a socket) where the OS's own
 * cannot run: a client "connects" as any {@link PeerIdentity} the test chooses, and both ends are
 * {@link DuplexStream}s like the real ones (blocking reads, end of stream once either end closes).
 */
public final class MemoryIpc implements IpcListener.Binder {
    private static final DuplexStream CLOSED = new End(new PeerIdentity.Unknown());

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
        End server = new End(peer);
        End client = new End(new PeerIdentity.Unknown());
        server.other = client;
        client.other = server;
        pending.add(server);
        return client;
    }

    /** One end: what the other end writes queues here until read. */
    private static final class End implements DuplexStream {
        private final PeerIdentity peer;
        private final Deque<byte[]> inbound = new ArrayDeque<>();
        private End other;
        private boolean closed;
        private int offset;

        End(PeerIdentity peer) {
            this.peer = peer;
        }

        @Override
        public synchronized int read(byte[] buffer, int at, int length) throws IOException {
            while (inbound.isEmpty() && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            if (inbound.isEmpty()) {
                return -1;
            }
            byte[] head = inbound.peek();
            int n = Math.min(length, head.length - offset);
            System.arraycopy(head, offset, buffer, at, n);
            offset += n;
            if (offset == head.length) {
                inbound.poll();
                offset = 0;
            }
            return n;
        }

        @Override
        public void writeFully(byte[] bytes) throws IOException {
            End to = other;
            synchronized (to) {
                if (to.closed) {
                    throw new IOException("the other end is closed");
                }
                to.inbound.add(bytes.clone());
                to.notifyAll();
            }
        }

        @Override
        public PeerIdentity peer() {
            return peer;
        }

        @Override
        public void close() {
            end();
            if (other != null) {
                other.end();
            }
        }

        private synchronized void end() {
            closed = true;
            notifyAll();
        }
    }
}
