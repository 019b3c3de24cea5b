package dev.flint.shell.client;

import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.DnsTransport;
import dev.flint.connlib.tunnel.UpstreamResult;
import dev.flint.shell.linux.SocketMark;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Recursion of non-resource DNS queries to plain-DNS upstreams over ordinary OS sockets (reference §4.6):
 * one fresh socket per query (a random source port each time), marked so it bypasses the tunnel, 5 s
 * timeout, UDP answers matched by source and id, TCP with the two-byte length prefix.
 */
final class UpstreamDns implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int PORT = 53;

    private final int socketMark;
    /**
     * Platform threads, started by the engine thread: they inherit its network namespace, which a virtual
     * thread's carrier would not.
     */
    private final ExecutorService workers = Executors.newCachedThreadPool(
        Thread.ofPlatform().name("upstream-dns-", 0).daemon().factory());

    UpstreamDns(int socketMark) {
        this.socketMark = socketMark;
    }

    /** Resolves in the background; {@code done} gets exactly one result, on a worker thread. */
    void resolve(ClientEvent.UpstreamDnsQuery query, Consumer<UpstreamResult> done) {
        workers.execute(() -> done.accept(switch (query.upstream()) {
            case Upstream.Do53(InetAddress server, boolean fromPortal) ->
                do53(new InetSocketAddress(server, PORT), query.transport(), query.query());
            case Upstream.DoH(String url) -> new UpstreamResult.Failed("DNS over HTTPS upstreams are not supported");
        }));
    }

    /** One query, blocking; the server's port is a parameter so tests need not bind port 53. */
    UpstreamResult do53(InetSocketAddress server, DnsTransport transport, byte[] query) {
        try {
            return transport == DnsTransport.UDP ? udp(server, query) : tcp(server, query);
        } catch (SocketTimeoutException e) {
            return new UpstreamResult.Timeout();
        } catch (IOException | RuntimeException e) {
            return new UpstreamResult.Failed(server.getAddress().getHostAddress() + ": " + e.getMessage());
        }
    }

    private UpstreamResult udp(InetSocketAddress server, byte[] query) throws IOException {
        var family = server.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
        try (DatagramChannel channel = DatagramChannel.open(family)) {
            channel.bind(null);
            mark(channel);
            channel.connect(server);
            channel.write(ByteBuffer.wrap(query));
            var socket = channel.socket();
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            byte[] buffer = new byte[65535];
            while (true) {
                var packet = new java.net.DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = Arrays.copyOf(buffer, packet.getLength());
                // A connected socket only sees the server; the id guards against a stale answer.
                if (answer.length >= 2 && answer[0] == query[0] && answer[1] == query[1]) {
                    return new UpstreamResult.Response(answer);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new UpstreamResult.Timeout();
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            }
        }
    }

    private UpstreamResult tcp(InetSocketAddress server, byte[] query) throws IOException {
        var family = server.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
        try (SocketChannel channel = SocketChannel.open(family)) {
            channel.bind(null);
            mark(channel);
            var socket = channel.socket();
            socket.connect(server, (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            byte[] framed = new byte[query.length + 2];
            framed[0] = (byte) (query.length >>> 8);
            framed[1] = (byte) query.length;
            System.arraycopy(query, 0, framed, 2, query.length);
            out.write(framed);
            out.flush();
            InputStream in = socket.getInputStream();
            DataInputStream data = new DataInputStream(in);
            int length = data.readUnsignedShort();
            byte[] answer = new byte[length];
            data.readFully(answer);
            return new UpstreamResult.Response(answer);
        }
    }

    private void mark(java.nio.channels.NetworkChannel channel) throws IOException {
        if (socketMark != 0) {
            SocketMark.apply(channel, socketMark);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
