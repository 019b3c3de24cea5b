package dev.flint.shell.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.flint.connlib.phoenix.BackoffPolicy;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.phoenix.ClientChannel;
import dev.flint.connlib.phoenix.ConnectFailure;
import dev.flint.connlib.portal.EncodedMessage;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalMessage;
import dev.flint.shell.linux.SocketMark;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IO shell around a sans-IO {@link ClientChannel}: dials the portal (host resolved afresh each time, all
 * addresses tried at once, first TCP connection wins), performs the TLS and WebSocket upgrade with the
 * Firezone headers, and feeds frames, closes and timers to the channel. Everything runs on one event loop.
 *
 * <p>The listener receives {@link ChannelEvent.Joined}, {@link ChannelEvent.Inbound},
 * {@link ChannelEvent.Disconnected} and {@link ChannelEvent.Failed}; after each join the shell first sends
 * {@code set_snownet_capabilities {"iceless": false}} so the portal always negotiates standard ICE.
 */
public final class PortalConnection implements AutoCloseable {

    /** Receives channel events on the connection's event loop. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(ChannelEvent event);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PortalConnection.class);
    private static final Duration TCP_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final String host;
    private final int port;
    private final String authorization;
    private final String userAgent;
    private final ClientChannel channel;
    private final SslContext sslContext;
    private final HostResolver resolver;
    private final EventLoop loop;
    private final Clock clock;
    private final Listener listener;

    private int socketMark;
    private Attempt current;
    private ScheduledFuture<?> timer;
    private int attempts;

    /** One dial: the TCP candidates, then the chosen socket. */
    private final class Attempt implements WebSocketUpgradeHandler.Events {
        final List<Channel> candidates = new ArrayList<>();
        Channel socket;
        boolean open;
        boolean done;
        int pending;
        final List<String> errors = new ArrayList<>();

        boolean live() {
            return this == current && !done;
        }

        @Override
        public void opened() {
            if (live()) {
                open = true;
                channel.handleSocketOpened(clock.instant());
                drive();
            }
        }

        @Override
        public void rejected(ConnectFailure failure) {
            if (live()) {
                done = true;
                LOG.info("Portal refused the connection: {}", failure);
                channel.handleConnectFailed(failure, clock.instant());
                drive();
            }
        }

        @Override
        public void text(String text) {
            if (live() && open) {
                channel.handleMessage(text, clock.instant());
                drive();
            }
        }

        @Override
        public void closed(String reason) {
            if (live()) {
                done = true;
                if (open) {
                    channel.handleSocketClosed(reason, clock.instant());
                } else {
                    channel.handleConnectFailed(new ConnectFailure.Transport(reason), clock.instant());
                }
                drive();
            }
        }

        void shut(String reason) {
            done = true;
            if (socket != null && socket.isActive()) {
                if (open) {
                    socket.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> socket.close());
                } else {
                    socket.close();
                }
            }
            candidates.forEach(Channel::close);
            LOG.debug("Closed portal socket: {}", reason);
        }
    }

    /**
     * @param url        the WebSocket URL ({@link PortalUrl#build})
     * @param token      the portal token; all whitespace is removed before use
     * @param userAgent  the User-Agent header
     * @param channel    the sans-IO channel to drive (its topic decides client or gateway)
     * @param sslContext TLS settings for {@code wss}; null means the JDK's default (system) trust store
     * @param resolver   host resolution, consulted before every attempt
     * @param group      the event loop group; one loop of it runs this connection
     * @param clock      wall clock for the channel's timers
     * @param listener   receives channel events
     */
    public PortalConnection(URI url, String token, String userAgent, ClientChannel channel, SslContext sslContext,
                            HostResolver resolver, EventLoopGroup group, Clock clock, Listener listener) {
        this.url = Objects.requireNonNull(url, "url");
        this.host = Objects.requireNonNull(url.getHost(), "url host");
        this.port = PortalUrl.port(url);
        this.authorization = "Bearer " + stripWhitespace(Objects.requireNonNull(token, "token"));
        this.userAgent = asciiOnly(Objects.requireNonNull(userAgent, "userAgent"));
        this.channel = Objects.requireNonNull(channel, "channel");
        this.sslContext = "wss".equals(url.getScheme()) ? (sslContext != null ? sslContext : systemTrust()) : null;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.loop = group.next();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * A client connection as Firezone's clients run it: topic {@code client}, join payload {@code null}, the
     * system trust store and resolver, and an unlimited reconnect budget after the first join. Call
     * {@link #start()} to dial.
     */
    public static PortalConnection client(URI apiUrl, DeviceIdentity device, String token, UserAgent userAgent,
                                          EventLoopGroup group, Listener listener) {
        return client(apiUrl, device, token, userAgent, group, listener, null);
    }

    /**
     * As {@link #client(URI, DeviceIdentity, String, UserAgent, EventLoopGroup, Listener)} with the TLS context
     * for {@code wss} (e.g. one presenting a client certificate); null means the system trust store.
     */
    public static PortalConnection client(URI apiUrl, DeviceIdentity device, String token, UserAgent userAgent,
                                          EventLoopGroup group, Listener listener, SslContext sslContext) {
        ClientChannel channel = new ClientChannel(PortalUrl.Mode.CLIENT.topic(), NullNode.getInstance(),
            BackoffPolicy.RECONNECT_UNLIMITED, RandomGenerator.getDefault());
        return new PortalConnection(PortalUrl.build(apiUrl, PortalUrl.Mode.CLIENT, device), token, userAgent.header(),
            channel, sslContext, HostResolver.SYSTEM, group, Clock.systemUTC(), listener);
    }

    /** A gateway connection: topic {@code gateway}, reconnect budget 24 h as Firezone's gateway defaults to. */
    public static PortalConnection gateway(URI apiUrl, DeviceIdentity device, String token, UserAgent userAgent,
                                           EventLoopGroup group, Listener listener) {
        return open(apiUrl, PortalUrl.Mode.GATEWAY, device, token, userAgent, BackoffPolicy.reconnect(Duration.ofHours(24)),
            group, listener);
    }

    private static PortalConnection open(URI apiUrl, PortalUrl.Mode mode, DeviceIdentity device, String token,
                                         UserAgent userAgent, BackoffPolicy reconnect, EventLoopGroup group,
                                         Listener listener) {
        ClientChannel channel = new ClientChannel(mode.topic(), NullNode.getInstance(), reconnect,
            RandomGenerator.getDefault());
        return new PortalConnection(PortalUrl.build(apiUrl, mode, device), token, userAgent.header(), channel, null,
            HostResolver.SYSTEM, group, Clock.systemUTC(), listener);
    }

    /** The token as sent: every whitespace character (spaces, tabs, CR, LF) removed. */
    public static String stripWhitespace(String token) {
        StringBuilder out = new StringBuilder(token.length());
        token.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c))
            .forEach(out::appendCodePoint);
        return out.toString();
    }

    private static String asciiOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().filter(c -> c < 0x80).forEach(c -> out.append((char) c));
        return out.toString();
    }

    private static SslContext systemTrust() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the default TLS client context", e);
        }
    }

    /**
     * Marks every portal socket with Linux {@code SO_MARK} {@code mark}, so policy routing keeps it out
     * of the tunnel. Call before {@link #start()}; the event loop group must then be an epoll one.
     */
    public PortalConnection markSockets(int mark) {
        this.socketMark = mark;
        return this;
    }

    /** Starts connecting. */
    public void start() {
        loop.execute(() -> {
            channel.connect(clock.instant());
            drive();
        });
    }

    /**
     * The user's "connect now": while waiting out a back-off delay, dial at once and start the back-off
     * afresh ({@link ClientChannel#connectNow}). Completes with whether it dialled.
     */
    public CompletableFuture<Boolean> connectNow() {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        loop.execute(() -> {
            result.complete(channel.connectNow(clock.instant()));
            drive();
        });
        return result;
    }

    /** Queues an application message; see {@link ClientChannel#send}. */
    public CompletableFuture<ClientChannel.SendResult> send(String event, JsonNode payload) {
        CompletableFuture<ClientChannel.SendResult> result = new CompletableFuture<>();
        loop.execute(() -> {
            result.complete(channel.send(event, payload));
            drive();
        });
        return result;
    }

    /** Encodes a portal message (current protocol) and queues it. */
    public CompletableFuture<ClientChannel.SendResult> send(PortalMessage message) {
        EncodedMessage encoded = PortalCodec.encode(message);
        return send(encoded.event(), encoded.payload());
    }

    /** Stops for good and closes the socket; waits briefly for the loop to do it. */
    @Override
    public void close() {
        Runnable stop = () -> {
            channel.close(clock.instant());
            drive();
            if (timer != null) {
                timer.cancel(false);
            }
        };
        if (loop.inEventLoop()) {
            stop.run(); // e.g. from the listener, which runs on the loop
        } else {
            loop.submit(stop).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- driving the channel -------------------------------------------------------------------------

    private void drive() {
        boolean progress = true;
        while (progress) {
            progress = false;
            String text;
            while ((text = channel.pollSend()) != null) {
                progress = true;
                if (current != null && current.open && !current.done && current.socket.isActive()) {
                    current.socket.write(new TextWebSocketFrame(text));
                }
            }
            if (current != null && current.socket != null) {
                current.socket.flush();
            }
            ChannelEvent event;
            while ((event = channel.pollEvent()) != null) {
                progress = true;
                switch (event) {
                    case ChannelEvent.OpenSocket open -> loop.execute(this::dial);
                    case ChannelEvent.CloseSocket close -> {
                        if (current != null) {
                            current.shut(close.reason());
                        }
                    }
                    case ChannelEvent.Joined joined -> {
                        channel.send("set_snownet_capabilities",
                            JsonNodeFactory.instance.objectNode().put("iceless", false));
                        deliver(joined);
                    }
                    default -> deliver(event);
                }
            }
        }
        reschedule();
    }

    private void deliver(ChannelEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.error("Portal listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    private void reschedule() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Instant at = channel.pollTimeout();
        if (at == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toNanos());
        timer = loop.schedule(() -> {
            timer = null;
            channel.handleTimeout(clock.instant());
            drive();
        }, delay, TimeUnit.NANOSECONDS);
    }

    // ---- dialing -------------------------------------------------------------------------------------

    private void dial() {
        if (current != null) {
            current.shut("superseded");
        }
        Attempt attempt = new Attempt();
        current = attempt;
        attempts++;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            attempt.closed("cannot resolve " + host + ": " + e.getMessage());
            return;
        }
        if (addresses.isEmpty()) {
            attempt.closed("no addresses for " + host);
            return;
        }
        LOG.debug("Connecting to portal {} at {} (attempt {})", host, addresses, attempts);
        attempt.pending = addresses.size();
        for (InetAddress address : addresses) {
            Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TCP_CONNECT_TIMEOUT.toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
            if (socketMark != 0) {
                bootstrap.channel(EpollSocketChannel.class);
            } else {
                bootstrap.channel(NioSocketChannel.class);
            }
            ChannelFuture connect = bootstrap
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws Exception {
                        // Runs on registration, before the connect: the SYN already carries the mark.
                        if (ch instanceof EpollSocketChannel epoll) {
                            SocketMark.apply(epoll.fd().intValue(), socketMark);
                        }
                        // The pipeline is built once this candidate wins.
                    }
                })
                .connect(new InetSocketAddress(address, port));
            attempt.candidates.add(connect.channel());
            connect.addListener(f -> tcpDone(attempt, connect, address));
        }
    }

    private void tcpDone(Attempt attempt, ChannelFuture connect, InetAddress address) {
        Channel ch = connect.channel();
        if (!attempt.live() || attempt.socket != null) {
            ch.close();
            return;
        }
        if (!connect.isSuccess()) {
            attempt.errors.add(address.getHostAddress() + ": " + connect.cause().getMessage());
            if (--attempt.pending == 0) {
                attempt.closed("failed to connect socket: " + attempt.errors);
            }
            return;
        }
        attempt.socket = ch;
        attempt.candidates.stream().filter(c -> c != ch).forEach(Channel::close);
        if (sslContext != null) {
            SslHandler tls = sslContext.newHandler(ch.alloc(), host, port);
            SSLEngine engine = tls.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
            ch.pipeline().addLast("tls", tls);
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("User-Agent", userAgent);
        headers.set("X-Authorization", authorization);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(url,
            WebSocketVersion.V13, null, false, headers, WebSocketUpgradeHandler.MAX_MESSAGE_BYTES, true, false,
            10_000, false, false);
        ch.pipeline().addLast("http", new HttpClientCodec());
        ch.pipeline().addLast("http-aggregator", new HttpObjectAggregator(1024 * 1024));
        ch.pipeline().addLast("websocket", new WebSocketUpgradeHandler(handshaker, attempt, clock));
    }

    /** How many times the shell has dialed (each time with a fresh resolution). */
    public CompletableFuture<Integer> attempts() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(attempts));
        return result;
    }
}
