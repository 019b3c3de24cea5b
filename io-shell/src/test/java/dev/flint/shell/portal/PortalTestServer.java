package dev.flint.shell.portal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flint.connlib.phoenix.FrameFormat;
import dev.flint.connlib.phoenix.ServerChannel;
import dev.flint.connlib.phoenix.ServerEvent;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback portal for shell tests: each connection takes the next scripted behaviour (or the default);
 * accepted sockets speak Phoenix through the real sans-IO {@link ServerChannel} and push {@code init}.
 */
final class PortalTestServer implements AutoCloseable {

    /** What to do with one incoming upgrade request. */
    sealed interface Behaviour {
        record Respond(int status, String contentType, String body, Map<String, String> headers) implements Behaviour {
        }

        /** Upgrade and serve Phoenix; {@code answerHeartbeats} false swallows them. */
        record Serve(boolean answerHeartbeats, AfterJoin afterJoin) implements Behaviour {
        }

        /** Accept TCP (and TLS) but never answer the upgrade request. */
        record Hang() implements Behaviour {
        }
    }

    /** What the server does right after pushing {@code init}. */
    enum AfterJoin { NOTHING, DROP_TCP, EXPIRE_TOKEN, CLOSE_FRAME }

    static final Behaviour SERVE = new Behaviour.Serve(true, AfterJoin.NOTHING);

    /** A recorded upgrade request. */
    record Request(String uri, HttpHeaders headers) {
    }

    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Text frames the server received from clients, in order. */
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** Status codes of close frames clients sent. */
    final BlockingQueue<Integer> closeFrames = new LinkedBlockingQueue<>();
    private final ArrayDeque<Behaviour> script = new ArrayDeque<>();
    private final Channel server;

    PortalTestServer(EventLoopGroup group, SslContext tls, int port) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Connection());
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    synchronized void script(Behaviour... behaviours) {
        script.addAll(java.util.List.of(behaviours));
    }

    private synchronized Behaviour next() {
        Behaviour b = script.poll();
        return b == null ? SERVE : b;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private final class Connection extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;
        private ServerChannel phoenix;
        private Behaviour.Serve serve;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                upgrade(ctx, request);
            } else if (msg instanceof TextWebSocketFrame text) {
                received.add(text.text());
                if (!serve.answerHeartbeats() && text.text().contains("\"event\":\"heartbeat\"")) {
                    return;
                }
                phoenix.handleMessage(text.text(), Instant.now());
                pump(ctx);
            } else if (msg instanceof CloseWebSocketFrame close) {
                closeFrames.add(close.statusCode());
                if (ctx.channel().isActive()) {
                    ctx.close();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // refused TLS handshakes and dropped clients are part of the scenarios
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.add(new Request(request.uri(), request.headers().copy()));
            switch (next()) {
                case Behaviour.Respond r -> {
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(r.status()), Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8));
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    r.headers().forEach((k, v) -> response.headers().set(k, v));
                    ctx.writeAndFlush(response).addListener(f -> ctx.close());
                }
                case Behaviour.Hang h -> {
                }
                case Behaviour.Serve s -> {
                    serve = s;
                    String url = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
                    handshaker = new WebSocketServerHandshakerFactory(url, null, false, 1 << 20)
                        .newHandshaker(request);
                    handshaker.handshake(ctx.channel(), request);
                    phoenix = new ServerChannel(FrameFormat.V1_OBJECT, "client"::equals,
                        ServerChannel.PORTAL_IDLE_TIMEOUT, Instant.now());
                }
            }
        }

        private void pump(ChannelHandlerContext ctx) {
            ServerEvent event;
            AfterJoin after = AfterJoin.NOTHING;
            while ((event = phoenix.pollEvent()) != null) {
                if (event instanceof ServerEvent.Joined joined) {
                    phoenix.push(joined.topic(), "init", JsonNodeFactory.instance.objectNode().put("hello", "flint"));
                    after = serve.afterJoin();
                    if (after == AfterJoin.EXPIRE_TOKEN) {
                        phoenix.disconnect(joined.topic(), "token_expired");
                    }
                }
            }
            String out;
            while ((out = phoenix.pollSend()) != null) {
                ctx.write(new TextWebSocketFrame(out));
            }
            ctx.flush();
            switch (after) {
                case DROP_TCP -> ctx.close();
                case CLOSE_FRAME -> ctx.writeAndFlush(new CloseWebSocketFrame(1001, "going away"));
                case NOTHING, EXPIRE_TOKEN -> {
                }
            }
        }
    }
}
