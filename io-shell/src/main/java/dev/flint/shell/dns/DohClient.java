package dev.flint.shell.dns;

import dev.flint.shell.linux.SocketMark;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DNS-over-HTTPS client (RFC 8484): each query is a {@code POST} of the wire-format message
 * ({@code application/dns-message}, id 0 as §4.1 recommends) on its own HTTP/2 stream. One TLS connection
 * per server is opened on first use and reused for every later query until it closes. Sockets carry the
 * Linux {@code SO_MARK} given, so policy routing keeps DoH traffic out of the tunnel (the JDK's HttpClient
 * cannot mark its sockets, hence Netty on epoll).
 */
public final class DohClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DohClient.class);
    public static final String MEDIA_TYPE = "application/dns-message";
    static final int MAX_RESPONSE = 65535;

    /** Resolves a DoH server's host name without going through the tunnel's own resolver. */
    @FunctionalInterface
    public interface Bootstrap {
        List<InetAddress> resolve(String host) throws IOException;
    }

    private final int socketMark;
    private final SslContext ssl;
    private final Bootstrap bootstrap;
    private final Duration timeout;
    private final EventLoopGroup group;
    private final Map<String, CompletableFuture<Channel>> connections = new HashMap<>();
    private volatile java.util.function.Predicate<InetAddress> throughTunnel = a -> false;
    private int connectionsOpened;

    /**
     * @param socketMark {@code SO_MARK} for every socket, 0 for none (then NIO is used)
     * @param ssl        a client context offering ALPN {@code h2}
     * @param bootstrap  how server host names are resolved (IP literals never are)
     * @param timeout    bound on one query, connection set-up included
     */
    public DohClient(int socketMark, SslContext ssl, Bootstrap bootstrap, Duration timeout) {
        this.socketMark = socketMark;
        this.ssl = Objects.requireNonNull(ssl, "ssl");
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        boolean epoll = socketMark != 0;
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("marking sockets needs Linux epoll: " + Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * Sends {@code query} to the server at {@code url}; completes with the response message (its id set back to
     * the query's) or exceptionally with an {@link IOException} naming the server and what failed.
     */
    public CompletableFuture<byte[]> query(URI url, byte[] query) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            result.completeExceptionally(new IOException("DoH server " + url + " is not an https URL"));
            return result;
        }
        if (query.length < 12) {
            result.completeExceptionally(new IOException("DNS query shorter than its header"));
            return result;
        }
        byte[] body = query.clone();
        body[0] = 0;
        body[1] = 0;
        connection(url).whenComplete((parent, error) -> {
            if (error != null) {
                result.completeExceptionally(error instanceof IOException io ? io
                    : new IOException("DoH server " + url.getHost() + ": " + error.getMessage(), error));
                return;
            }
            send(parent, url, body, result);
        });
        var deadline = group.schedule(() -> result.completeExceptionally(
            new TimeoutException("DoH server " + url.getHost() + " did not answer within " + timeout.toMillis()
                + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return result.whenComplete((r, e) -> deadline.cancel(false)).thenApply(answer -> {
            if (answer.length >= 2) {
                answer[0] = query[0];
                answer[1] = query[1];
            }
            return answer;
        });
    }

    /**
     * Servers for which this is true are reached through the tunnel (a DoH server inside a resource): their
     * sockets are not marked. Every other server's socket is, so it bypasses the tunnel.
     */
    public void setThroughTunnel(java.util.function.Predicate<InetAddress> throughTunnel) {
        this.throughTunnel = Objects.requireNonNull(throughTunnel, "throughTunnel");
    }

    /** How many TLS connections were opened so far (a reused connection is not counted again). */
    public synchronized int connectionsOpened() {
        return connectionsOpened;
    }

    private synchronized CompletableFuture<Channel> connection(URI url) {
        int port = url.getPort() < 0 ? 443 : url.getPort();
        String key = url.getHost() + ":" + port;
        CompletableFuture<Channel> existing = connections.get(key);
        if (existing != null && (!existing.isDone() || (!existing.isCompletedExceptionally()
                && existing.join().isActive()))) {
            return existing;
        }
        CompletableFuture<Channel> opened = new CompletableFuture<>();
        connections.put(key, opened);
        connectionsOpened++;
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
            : url.getHost();
        group.execute(() -> open(host, port, opened));
        opened.whenComplete((ch, e) -> {
            if (e != null) {
                synchronized (this) {
                    connections.remove(key, opened);
                }
            }
        });
        return opened;
    }

    private void open(String host, int port, CompletableFuture<Channel> opened) {
        InetAddress address;
        try {
            List<InetAddress> addresses = isLiteral(host) ? List.of(InetAddress.ofLiteral(host))
                : bootstrap.resolve(host);
            if (addresses.isEmpty()) {
                throw new IOException("no addresses");
            }
            address = addresses.getFirst();
        } catch (IOException | RuntimeException e) {
            opened.completeExceptionally(new IOException("DoH server " + host + " cannot be resolved: "
                + e.getMessage(), e));
            return;
        }
        io.netty.bootstrap.Bootstrap b = new io.netty.bootstrap.Bootstrap()
            .group(group)
            .channel(socketMark != 0 ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) throws IOException {
                    if (ch instanceof EpollSocketChannel epoll && !throughTunnel.test(address)) {
                        SocketMark.apply(epoll.fd().intValue(), socketMark); // before the SYN
                    }
                    SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                    SSLEngine engine = tls.engine();
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                    ch.pipeline().addLast("tls", tls);
                    ch.pipeline().addLast("alpn", new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                            if (evt instanceof SslHandshakeCompletionEvent done) {
                                if (!done.isSuccess()) {
                                    opened.completeExceptionally(new IOException("DoH server " + host
                                        + ": TLS failed: " + done.cause().getMessage(), done.cause()));
                                    ctx.close();
                                } else if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                                    opened.completeExceptionally(new IOException("DoH server " + host
                                        + " does not speak HTTP/2 (ALPN " + tls.applicationProtocol() + ")"));
                                    ctx.close();
                                } else {
                                    ctx.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient().build());
                                    ctx.pipeline().addLast("streams", new Http2MultiplexHandler(
                                        new SimpleChannelInboundHandler<Object>() {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext c, Object msg) {
                                                // the server opens no streams of its own
                                            }
                                        }));
                                    ctx.pipeline().remove(this);
                                    opened.complete(ctx.channel());
                                }
                            }
                            super.userEventTriggered(ctx, evt);
                        }
                    });
                }
            });
        ChannelFuture connect = b.connect(new InetSocketAddress(address, port));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                opened.completeExceptionally(new IOException("DoH server " + host + " (" + address.getHostAddress()
                    + "): " + f.cause().getMessage(), f.cause()));
            } else {
                connect.channel().closeFuture().addListener(c -> opened.completeExceptionally(
                    new IOException("DoH server " + host + " closed the connection")));
            }
        });
    }

    private void send(Channel parent, URI url, byte[] body, CompletableFuture<byte[]> result) {
        new Http2StreamChannelBootstrap(parent).handler(new ResponseCollector(url, result)).open()
            .addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(new IOException("DoH server " + url.getHost()
                        + ": cannot open a stream: " + f.cause().getMessage(), f.cause()));
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
                DefaultHttp2Headers headers = new DefaultHttp2Headers();
                headers.method("POST").scheme("https").path(path)
                    .authority(url.getRawAuthority())
                    .set("content-type", MEDIA_TYPE)
                    .set("accept", MEDIA_TYPE)
                    .setInt("content-length", body.length);
                stream.write(new DefaultHttp2HeadersFrame(headers, false));
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
                result.whenComplete((r, e) -> stream.close());
            });
    }

    /** Gathers one stream's response: status 200, the DNS media type, at most 64 KiB of body. */
    private static final class ResponseCollector extends ChannelInboundHandlerAdapter {
        private final URI url;
        private final CompletableFuture<byte[]> result;
        private final ByteBuf body = Unpooled.buffer();
        private String status;
        private String type;

        ResponseCollector(URI url, CompletableFuture<byte[]> result) {
            this.url = url;
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame h) {
                    if (h.headers().status() != null) {
                        status = h.headers().status().toString();
                        CharSequence t = h.headers().get("content-type");
                        type = t == null ? null : t.toString();
                    }
                    end = h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    if (body.readableBytes() + d.content().readableBytes() > MAX_RESPONSE) {
                        fail("answer larger than " + MAX_RESPONSE + " bytes");
                        return;
                    }
                    body.writeBytes(d.content());
                    end = d.isEndStream();
                }
                if (end) {
                    finish();
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        private void finish() {
            if (!"200".equals(status)) {
                fail("HTTP status " + status);
            } else if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase(MEDIA_TYPE)) {
                fail("answer is " + type + ", not " + MEDIA_TYPE);
            } else {
                result.complete(ByteBufUtil.getBytes(body));
            }
            body.release();
        }

        private void fail(String why) {
            result.completeExceptionally(new IOException("DoH server " + url.getHost() + ": " + why));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!result.isDone()) {
                fail("stream closed before the answer");
            }
            if (body.refCnt() > 0) {
                body.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new IOException("DoH server " + url.getHost() + ": " + cause.getMessage(),
                cause));
            ctx.close();
        }
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public void close() {
        synchronized (this) {
            connections.values().forEach(f -> f.thenAccept(Channel::close));
            connections.clear();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        LOG.debug("DoH client closed");
    }
}
