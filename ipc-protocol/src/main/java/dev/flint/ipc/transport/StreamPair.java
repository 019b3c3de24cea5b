package dev.flint.ipc.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Two connected {@link DuplexStream}s in one process, behaving like a socket's two ends: blocking
 * reads, writes queued for the other end, end of stream for both once either closes. For endpoints
 * whose OS transport cannot run where the code is tested (a named pipe on Linux), and in-process peers.
 */
public record StreamPair(DuplexStream server, DuplexStream client) {

    /** A pair whose server end reports {@code clientIdentity} as its peer, as the OS would. */
    public static StreamPair connected(PeerIdentity clientIdentity) {
        End server = new End(clientIdentity);
        End client = new End(new PeerIdentity.Unknown());
        server.other = client;
        client.other = server;
        return new StreamPair(server, client);
    }

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
                    throw new IOException("interrupted while reading");
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
            other.end();
        }

        private synchronized void end() {
            closed = true;
            notifyAll();
        }
    }
}
