package dev.flint.shell.client;

import dev.flint.connlib.dns.DnsCache;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.dns.Upstream;
import dev.flint.shell.dns.DohClient;
import dev.flint.shell.tls.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
 * Recursion of non-resource DNS queries to the upstreams over ordinary OS sockets (reference §4.6), marked so
 * they bypass the tunnel:
 * <ul>
 *   <li>plain DNS: one fresh socket per query (a random source port each time), 5 s timeout, UDP answers
 *       matched by source and id, TCP with the two-byte length prefix; a truncated UDP answer is asked again
 *       over TCP;</li>
 *   <li>DNS over HTTPS ({@link DohClient}): HTTP/2, one reused connection per server; the server's host name
 *       is resolved with plain DNS to the system's resolvers, never through the tunnel's own;</li>
 *   <li>answers are cached for their TTL ({@link DnsCache}), so a repeated query is answered without a
 *       round trip.</li>
 * </ul>
 */
final class UpstreamDns implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamDns.class);
    private static final int PORT = 53;

    private final int socketMark;
    private final DnsCache cache = new DnsCache();
    private final Clock clock;
    private final int dnsPort;
    private volatile List<InetAddress> bootstrapResolvers = List.of();
    private volatile List<dev.flint.connlib.net.IpPrefix> tunnelRoutes = List.of();
    private DohClient doh;
    /**
     * Platform threads, started by the engine thread: they inherit its network namespace, which a virtual
     * thread's carrier would not.
     */
    private final ExecutorService workers = Executors.newCachedThreadPool(
        Thread.ofPlatform().name("upstream-dns-", 0).daemon().factory());

    UpstreamDns(int socketMark) {
        this(socketMark, Clock.systemUTC(), PORT);
    }

    /** For tests: the clock the cache reads and the port plain-DNS servers listen on. */
    UpstreamDns(int socketMark, Clock clock, int dnsPort) {
        this.socketMark = socketMark;
        this.clock = clock;
        this.dnsPort = dnsPort;
    }

    /**
     * The tunnel's routes: a DoH server inside one is a resource and is reached through the tunnel (its socket
     * unmarked); any other is reached around it.
     */
    void setTunnelRoutes(List<dev.flint.connlib.net.IpPrefix> routes) {
        tunnelRoutes = List.copyOf(routes);
    }

    /** The system's resolvers: DoH servers' host names are resolved through them. */
    void setBootstrapResolvers(List<InetAddress> resolvers) {
        bootstrapResolvers = List.copyOf(resolvers);
    }

    /** Resolves in the background; {@code done} gets exactly one result, on a worker thread. */
    void resolve(ClientEvent.UpstreamDnsQuery query, Consumer<UpstreamResult> done) {
        DnsMessage question = DnsCodec.decode(query.query()) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)
            ? m : null;
        if (question != null) {
            Optional<DnsMessage> cached;
            synchronized (cache) {
                cached = cache.lookup(question, clock.instant());
            }
            if (cached.isPresent()) {
                byte[] answer = DnsCodec.encode(cached.get()); // the client state trims it for UDP
                workers.execute(() -> done.accept(new UpstreamResult.Response(answer)));
                return;
            }
        }
        Consumer<UpstreamResult> remember = result -> {
            if (question != null && result instanceof UpstreamResult.Response(byte[] answer)
                    && DnsCodec.decode(answer) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)) {
                synchronized (cache) {
                    cache.store(question, m, clock.instant());
                }
            }
            done.accept(result);
        };
        switch (query.upstream()) {
            case Upstream.Do53(InetAddress server, boolean fromPortal) -> workers.execute(() ->
                remember.accept(do53(new InetSocketAddress(server, dnsPort), query.transport(), query.query())));
            case Upstream.DoH(String url) -> doh(url, query.query(), remember);
        }
    }

    private void doh(String url, byte[] query, Consumer<UpstreamResult> done) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            workers.execute(() -> done.accept(new UpstreamResult.Failed("DoH server " + url + " is not a URL")));
            return;
        }
        dohClient().query(uri, query).whenComplete((answer, error) -> workers.execute(() -> {
            if (error == null) {
                done.accept(new UpstreamResult.Response(answer));
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : error;
                LOG.debug("DoH query failed: {}", cause.getMessage());
                done.accept(cause instanceof java.util.concurrent.TimeoutException ? new UpstreamResult.Timeout()
                    : new UpstreamResult.Failed(cause.getMessage()));
            }
        }));
    }

    private synchronized DohClient dohClient() {
        if (doh == null) {
            doh = new DohClient(socketMark, TlsSettings.dohContext(), this::bootstrap, TIMEOUT);
            doh.setThroughTunnel(a -> tunnelRoutes.stream().anyMatch(r -> r.prefixLength() > 0 && r.contains(a)));
        }
        return doh;
    }

    /** A DoH server's addresses, asked of the system's resolvers over plain DNS (A, then AAAA). */
    private List<InetAddress> bootstrap(String host) throws IOException {
        List<InetAddress> servers = bootstrapResolvers;
        if (servers.isEmpty()) {
            throw new IOException("no system resolver to look up " + host);
        }
        List<InetAddress> found = new ArrayList<>();
        for (int type : new int[] {RecordType.A, RecordType.AAAA}) {
            for (InetAddress server : servers) {
                byte[] q = DnsCodec.encode(DnsMessage.query(ThreadLocalRandom.current().nextInt(0x10000), host, type));
                if (do53(new InetSocketAddress(server, dnsPort), DnsTransport.UDP, q)
                        instanceof UpstreamResult.Response(byte[] a)
                        && DnsCodec.decode(a) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)) {
                    for (DnsRecord r : m.answers()) {
                        switch (r.data()) {
                            case RData.A v4 -> found.add(v4.address());
                            case RData.Aaaa v6 -> found.add(v6.address());
                            default -> { }
                        }
                    }
                    break;
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        throw new IOException("the system's resolvers " + servers + " know no address of " + host);
    }

    /**
     * One query, blocking; the server's port is a parameter so tests need not bind port 53. A truncated UDP
     * answer is asked again over TCP.
     */
    UpstreamResult do53(InetSocketAddress server, DnsTransport transport, byte[] query) {
        try {
            if (transport == DnsTransport.UDP) {
                UpstreamResult result = udp(server, query);
                if (result instanceof UpstreamResult.Response(byte[] answer) && answer.length >= 4
                        && (answer[2] & 0x02) != 0) {
                    LOG.debug("Truncated UDP answer from {}; asking over TCP", server);
                    return tcp(server, query);
                }
                return result;
            }
            return tcp(server, query);
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
        synchronized (this) {
            if (doh != null) {
                doh.close();
            }
        }
    }
}
