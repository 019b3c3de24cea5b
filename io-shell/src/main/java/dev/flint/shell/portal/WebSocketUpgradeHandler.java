package dev.flint.shell.portal;

import dev.flint.connlib.phoenix.ConnectFailure;
import dev.flint.connlib.phoenix.ProblemDetails;
import dev.flint.connlib.phoenix.RetryAfter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Sends the upgrade request, reads the answer (101, or an HTTP error whose problem+json body and
 * {@code Retry-After} are reported), then passes text frames up, answers pings and echoes a close frame.
 */
final class WebSocketUpgradeHandler extends SimpleChannelInboundHandler<Object> {

    /** What the handler reports; called on the channel's event loop. */
    interface Events {
        void opened();

        void rejected(ConnectFailure failure);

        void text(String text);

        void closed(String reason);
    }

    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final WebSocketClientHandshaker handshaker;
    private final Events events;
    private final Clock clock;
    private boolean finished;

    WebSocketUpgradeHandler(WebSocketClientHandshaker handshaker, Events events, Clock clock) {
        this.handshaker = handshaker;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            handshaker.handshake(ctx.channel());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete()) {
            if (msg instanceof FullHttpResponse response) {
                upgradeResponse(ctx, response);
            }
            return;
        }
        switch (msg) {
            case TextWebSocketFrame text -> events.text(text.text());
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> {
                String reason = "portal sent close frame " + close.statusCode()
                    + (close.reasonText().isEmpty() ? "" : " " + close.reasonText());
                // RFC 6455 §5.5.1: answer a close frame with one before closing.
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(f -> ctx.close());
                report(reason);
            }
            case PongWebSocketFrame pong -> {
            }
            case BinaryWebSocketFrame binary -> {
            }
            default -> {
            }
        }
    }

    private void upgradeResponse(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (WebSocketHandshakeException e) {
                reject(ctx, new ConnectFailure.Transport("websocket handshake failed: " + e.getMessage()));
                return;
            }
            ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
            events.opened();
            return;
        }
        String body = response.content().toString(StandardCharsets.UTF_8);
        ProblemDetails problem = ProblemDetails.parse(response.headers().get(HttpHeaderNames.CONTENT_TYPE), body);
        reject(ctx, new ConnectFailure.HttpRejected(response.status().code(), problem,
            RetryAfter.parse(response.headers().get(HttpHeaderNames.RETRY_AFTER), clock.instant())));
    }

    private void reject(ChannelHandlerContext ctx, ConnectFailure failure) {
        if (!finished) {
            finished = true;
            events.rejected(failure);
        }
        ctx.close();
    }

    private void report(String reason) {
        if (!finished) {
            finished = true;
            events.closed(reason);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report("connection closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        report(handshaker.isHandshakeComplete() ? "connection error: " + what : "handshake error: " + what);
        ctx.close();
    }
}
