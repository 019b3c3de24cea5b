package dev.flint.devstack.portal;

import dev.flint.netns.RealTimeWait;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal Netty WebSocket client for tests: text frames in a queue, text frames out. */
final class TestWebSocket implements AutoCloseable {

    /** The server refused the upgrade with an HTTP response. */
    static final class Refused extends Exception {
        final int status;
        final String contentType;
        final String body;

        Refused(int status, String contentType, String body) {
            super("HTTP " + status + " " + body);
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }
    }

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Channel channel;

    private TestWebSocket() {
    }

    static TestWebSocket connect(EventLoopGroup group, URI uri, HttpHeaders headers) throws Exception {
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri,
            WebSocketVersion.V13, null, false, headers, 1 << 20);
        CompletableFuture<TestWebSocket> ready = new CompletableFuture<>();
        // Created before connecting: the handshake answer may arrive before connect() returns.
        TestWebSocket[] self = {new TestWebSocket()};
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                        new SimpleChannelInboundHandler<Object>() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                handshaker.handshake(ctx.channel());
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse r) {
                                    if (r.status().code() != 101) {
                                        ready.completeExceptionally(new Refused(r.status().code(),
                                            r.headers().get("content-type"), r.content().toString(StandardCharsets.UTF_8)));
                                        ctx.close();
                                        return;
                                    }
                                    handshaker.finishHandshake(ctx.channel(), r);
                                    self[0].channel = ctx.channel();
                                    ready.complete(self[0]);
                                } else if (msg instanceof TextWebSocketFrame text) {
                                    self[0].received.add(text.text());
                                } else if (msg instanceof CloseWebSocketFrame) {
                                    ctx.close();
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                ready.completeExceptionally(new IllegalStateException("closed before upgrade"));
                                self[0].closed.complete(null);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ready.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
                }
            })
            .connect(uri.getHost(), uri.getPort()).sync().channel();
        try {
            return ready.get(RealTimeWait.GENEROUS.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            ch.close();
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /** The next text frame, or null after the timeout. */
    String poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
