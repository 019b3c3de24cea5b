package dev.flint.devstack.dns;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DNS-over-HTTPS server (RFC 8484) on HTTP/2 over TLS (ALPN {@code h2}): {@code POST /dns-query} with an
 * {@code application/dns-message} body, or {@code GET /dns-query?dns=<base64url>}; each query is passed to a
 * plain-DNS server over UDP and its answer returned. For the devstack's resource network (in front of its
 * dnsmasq) and for tests; it counts connections and queries so tests can see reuse.
 */
public final class DohServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DohServer.class);
    private static final String MEDIA = "application/dns-message";
    private static final int MAX_QUERY = 65535;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService upstreamWorkers = Executors.newFixedThreadPool(4,
        Thread.ofPlatform().name("doh-upstream-", 0).daemon().factory());
    private final InetSocketAddress upstream;
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger queries = new AtomicInteger();
    /** The devstack's server says each answer on its standard output (its log file), for the demo to see. */
    private volatile boolean printQueries;

    private DohServer(InetSocketAddress listen, SslContext tls, InetSocketAddress upstream)
            throws InterruptedException {
        this.upstream = upstream;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                    ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast(new Stream());
                        }
                    }));
                }
            })
            .bind(listen).sync().channel();
        LOG.info("DoH server listening on {}, answering from {}", address(), upstream);
    }

    /**
     * Starts serving.
     *
     * @param certificate the server certificate (PEM), e.g. with the listen address as an IP SAN
     * @param key         its PKCS#8 PEM key
     * @param upstream    the plain-DNS server asked
     */
    public static DohServer start(InetSocketAddress listen, Path certificate, Path key, InetSocketAddress upstream)
            throws IOException, InterruptedException {
        SslContext tls = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
            .build();
        return new DohServer(listen, tls, upstream);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** TLS connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Queries answered so far. */
    public int queries() {
        return queries.get();
    }

    /** One request stream. */
    private final class Stream extends ChannelInboundHandlerAdapter {
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers headers;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame h) {
                    headers = h.headers();
                    end = h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    if (body.readableBytes() + d.content().readableBytes() > MAX_QUERY) {
                        respond(ctx, 413, "text/plain", "query too large".getBytes());
                        return;
                    }
                    body.writeBytes(d.content());
                    end = d.isEndStream();
                }
                if (end) {
                    handle(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void handle(ChannelHandlerContext ctx) {
            String method = String.valueOf(headers.method());
            String path = String.valueOf(headers.path());
            byte[] query;
            if (method.equals("POST") && path.startsWith("/dns-query")) {
                CharSequence type = headers.get("content-type");
                if (type == null || !type.toString().startsWith(MEDIA)) {
                    respond(ctx, 415, "text/plain", "content-type must be application/dns-message".getBytes());
                    return;
                }
                query = ByteBufUtil.getBytes(body);
            } else if (method.equals("GET") && path.startsWith("/dns-query?dns=")) {
                try {
                    query = Base64.getUrlDecoder().decode(path.substring("/dns-query?dns=".length()).split("&")[0]);
                } catch (IllegalArgumentException e) {
                    respond(ctx, 400, "text/plain", "dns is not base64url".getBytes());
                    return;
                }
            } else {
                respond(ctx, 404, "text/plain", "not found".getBytes());
                return;
            }
            body.release();
            if (query.length < 12) {
                respond(ctx, 400, "text/plain", "not a DNS message".getBytes());
                return;
            }
            byte[] q = query;
            upstreamWorkers.execute(() -> {
                byte[] answer = ask(q);
                ctx.executor().execute(() -> {
                    if (answer == null) {
                        respond(ctx, 502, "text/plain", "the DNS server did not answer".getBytes());
                    } else {
                        int n = queries.incrementAndGet();
                        if (printQueries) {
                            System.out.println("DoH query " + n + " answered (" + answer.length + " bytes)");
                        }
                        respond(ctx, 200, MEDIA, answer);
                    }
                });
            });
        }

        private void respond(ChannelHandlerContext ctx, int status, String type, byte[] content) {
            DefaultHttp2Headers out = new DefaultHttp2Headers();
            out.status(Integer.toString(status)).set("content-type", type).setInt("content-length", content.length);
            ctx.write(new DefaultHttp2HeadersFrame(out, false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(content), true));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (body.refCnt() > 0) {
                body.release();
            }
        }
    }

    /** The upstream's answer to {@code query} over UDP (2 s), or null. */
    private byte[] ask(byte[] query) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            socket.send(new DatagramPacket(query, query.length, upstream));
            byte[] buffer = new byte[65535];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (packet.getLength() >= 2 && buffer[0] == query[0] && buffer[1] == query[1]) {
                    return Arrays.copyOf(buffer, packet.getLength());
                }
            }
        } catch (IOException e) {
            LOG.debug("Upstream {} did not answer: {}", upstream, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        upstreamWorkers.shutdownNow();
    }

    /** {@code DohServer LISTEN_IP:PORT CERT KEY UPSTREAM_IP:PORT}: runs until killed (the devstack's). */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DohServer LISTEN_IP:PORT CERT.pem KEY.pem UPSTREAM_IP:PORT");
            System.exit(2);
        }
        try (DohServer s = start(socket(args[0]), Path.of(args[1]), Path.of(args[2]), socket(args[3]))) {
            s.printQueries = true;
            System.out.println("DoH server listening on " + s.address());
            Thread.currentThread().join();
        }
    }

    private static InetSocketAddress socket(String text) throws IOException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not IP:PORT");
        }
        return new InetSocketAddress(InetAddress.ofLiteral(text.substring(0, colon).replace("[", "").replace("]", "")),
            Integer.parseInt(text.substring(colon + 1)));
    }
}
