package dev.flint.devstack.portal;

import dev.flint.connlib.phoenix.FrameFormat;
import dev.flint.connlib.phoenix.ServerChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal emulator's Netty shell: plain HTTP and WebSocket on one address. WebSocket endpoints
 * ({@code /client/v2/websocket}, {@code /client/websocket}, {@code /gateway/v2/websocket},
 * {@code /gateway/websocket}) run a {@link ServerChannel} each, V1 or V2 framing per {@code vsn}; every other
 * path is the sign-in page. One event-loop thread owns all portal state; the public methods hop onto it.
 */
public final class PortalEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortalEmulator.class);
    private static final int MAX_FRAME = 1 << 20;

    private final EventLoopGroup group;
    private final Channel server;
    private Channel mtlsServer;
    /** Every accepted connection, so close() ends them (devices see the portal go and reconnect). */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Portal portal;
    private final SignInPage signIn;
    private RelayWatch relayWatch;

    private PortalEmulator(PortalConfig config, Clock clock, AddressBook addresses, GrantBook grants)
            throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Portal.Scheduler scheduler = (delay, task) -> group.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        portal = new Portal(config, clock, scheduler, RandomGenerator.getDefault(), addresses, grants);
        signIn = new SignInPage(portal);
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(children(null))
                .bind(config.listen()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        InetSocketAddress bound = address();
        call(() -> {
            portal.setFlowLogsApiUrl("http://" + hostLiteral(bound) + ":" + bound.getPort() + "/");
            return null;
        });
        LOG.info("portal emulator listening on {}", bound);
    }

    private ChannelInitializer<SocketChannel> children(SslContext tls) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Connection());
            }
        };
    }

    /**
     * A second listener speaking TLS that requires a client certificate issued by {@code clientCa}: the portal's
     * mutual-TLS host (Firezone's {@code mtls.} host, where devices present their certificate). A device without
     * one, or with one from another CA, fails the TLS handshake. Same portal, same paths ({@code wss://}).
     */
    public InetSocketAddress listenMutualTls(InetSocketAddress listen, Path certificate, Path key, Path clientCa)
            throws InterruptedException, SSLException {
        SslContext tls = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
            .trustManager(clientCa.toFile())
            .clientAuth(ClientAuth.REQUIRE)
            .build();
        mtlsServer = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(children(tls))
            .bind(listen).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) mtlsServer.localAddress();
        LOG.info("portal emulator: mutual-TLS listener on {} (client certificates from {})", bound, clientCa);
        return bound;
    }

    /**
     * Probes the configured relays every second and tells devices {@code relays_presence} when one stops answering
     * or answers again, as Firezone's portal does for its relays (which stay connected to it).
     */
    public void watchRelays() {
        if (relayWatch == null) {
            relayWatch = new RelayWatch(() -> call(() -> portal.config().relays()),
                (id, answering) -> call(() -> {
                    portal.relayPresence(id, answering);
                    return null;
                }));
        }
    }

    /** Every account's clients get these DNS-over-HTTPS upstreams ({@code upstream_doh}); empty for none. */
    public void setUpstreamDoh(List<String> urls) {
        call(() -> {
            portal.setUpstreamDoh(urls);
            return null;
        });
    }

    /**
     * Binds {@code config.listen()} (port 0 picks a free port) and starts serving. Tunnel addresses are derived from
     * device ids, so a restarted emulator gives every device the addresses it had.
     */
    public static PortalEmulator start(PortalConfig config) throws InterruptedException {
        return new PortalEmulator(config, Clock.systemUTC(), AddressBook.inMemory(), GrantBook.inMemory());
    }

    /**
     * As {@link #start(PortalConfig)}, keeping what Firezone's portal keeps in its database across restarts: the
     * tunnel addresses and PSK bases handed out, in {@code addressBook} (read at start, written on every new device),
     * and the confirmed grants, in {@code grantBook} (written on every change), so a device rejoining the restarted
     * emulator keeps its addresses, keys and authorizations, and its flows.
     */
    public static PortalEmulator start(PortalConfig config, Path addressBook, Path grantBook)
            throws InterruptedException, IOException {
        return new PortalEmulator(config, Clock.systemUTC(), AddressBook.open(addressBook), GrantBook.open(grantBook));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** {@code http://host:port/}: the sign-in pages; WebSocket URLs are the same with {@code ws://}. */
    public URI baseUri() {
        InetSocketAddress a = address();
        return URI.create("http://" + hostLiteral(a) + ":" + a.getPort() + "/");
    }

    /** Applies a new config and pushes what changed to connected devices. */
    public void reload(PortalConfig next) {
        call(() -> {
            portal.reload(next.withListen(portal.config().listen()));
            return null;
        });
    }

    public PortalConfig config() {
        return call(portal::config);
    }

    /** Revokes a user's tokens: connected clients get {@code disconnect token_expired}. Returns how many. */
    public int signOut(String email) {
        return call(() -> portal.signOut(email));
    }

    /** A whole client token for a user, as the sign-in page would end up giving it (for tests and scripts). */
    public String issueToken(String accountSlug, String email, String nonce) {
        return call(() -> {
            PortalConfig.Account account = portal.config().account(accountSlug)
                .orElseThrow(() -> new IllegalArgumentException("no account " + accountSlug));
            PortalConfig.User user = account.userByEmail(email)
                .orElseThrow(() -> new IllegalArgumentException("no user " + email));
            return nonce + portal.issueFragment(account, user, nonce);
        });
    }

    /** Authorizations gateways have confirmed, as (client id, resource id, gateway id). */
    public List<Grant> grants() {
        return call(portal::grants);
    }

    @Override
    public void close() {
        if (relayWatch != null) {
            relayWatch.close();
        }
        server.close().syncUninterruptibly();
        if (mtlsServer != null) {
            mtlsServer.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T> T call(Callable<T> task) {
        try {
            return group.next().submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String hostLiteral(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static FullHttpResponse problem(Portal.Refusal r) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + r.title() + "\",\"status\":" + r.status()
            + ",\"detail\":" + jsonString(r.detail()) + ",\"code\":\"" + r.code() + "\"}";
        return response(HttpResponseStatus.valueOf(r.status()), "application/problem+json; charset=utf-8", body);
    }

    private static String jsonString(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    /** One TCP connection: HTTP requests until it upgrades, then one device's Phoenix socket. */
    private final class Connection extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;
        private DeviceSession session;
        private ScheduledFuture<?> ticker;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case FullHttpRequest request -> http(ctx, request);
                case TextWebSocketFrame text -> {
                    if (session != null) {
                        session.phoenix.handleMessage(text.text(), portal.now());
                        portal.pump(session);
                    }
                }
                case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                case CloseWebSocketFrame close -> handshaker.close(ctx.channel(), close.retain());
                case BinaryWebSocketFrame binary -> LOG.debug("ignoring a binary frame from {}", session);
                default -> {
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ticker != null) {
                ticker.cancel(false);
            }
            if (session != null) {
                portal.closed(session);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private void http(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                reply(ctx, response(HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n"));
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            Optional<Portal.Endpoint> endpoint = Portal.Endpoint.forPath(uri.path());
            if (endpoint.isEmpty()) {
                reply(ctx, signIn.handle(request));
                return;
            }
            Map<String, String> query = new HashMap<>();
            uri.parameters().forEach((k, v) -> query.put(k, v.getFirst()));
            String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : "";
            Portal.ConnectRequest connect = new Portal.ConnectRequest(endpoint.get(), query,
                request.headers().get("X-Authorization"), request.headers().get(HttpHeaderNames.USER_AGENT), remote);
            boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
            if (!upgrade) {
                reply(ctx, portal.check(connect).map(PortalEmulator::problem).orElseGet(() ->
                    response(HttpResponseStatus.BAD_REQUEST, "text/plain", "expected a WebSocket upgrade\n")));
                return;
            }
            String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
            handshaker = new WebSocketServerHandshakerFactory(url, null, false, MAX_FRAME).newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            ServerChannel phoenix = new ServerChannel(FrameFormat.forVsn(query.get("vsn")),
                endpoint.get().kind.topic::equals, ServerChannel.PORTAL_IDLE_TIMEOUT, portal.now());
            Channel channel = ctx.channel();
            DeviceSession.Transport transport = new DeviceSession.Transport() {
                @Override
                public void send(String text) {
                    channel.writeAndFlush(new TextWebSocketFrame(text));
                }

                @Override
                public void close() {
                    channel.close();
                }
            };
            Portal.Admission admission = portal.open(connect, phoenix, transport);
            if (admission.problem() != null) {
                reply(ctx, problem(admission.problem()));
                return;
            }
            session = admission.session();
            handshaker.handshake(channel, request).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    return;
                }
                channel.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
            });
            ticker = ctx.executor().scheduleAtFixedRate(() -> {
                phoenix.handleTimeout(portal.now());
                portal.pump(session);
            }, 1, 1, TimeUnit.SECONDS);
        }

        private void reply(ChannelHandlerContext ctx, FullHttpResponse response) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
