package dev.flint.shell.client;

import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.phoenix.ChannelError;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.FailureReason;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.ClientSession;
import dev.flint.connlib.tunnel.ClientSessionEvent;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.shell.TunDevice;
import dev.flint.shell.engine.EventLoop;
import dev.flint.shell.linux.LinuxUdpSocket;
import dev.flint.shell.p2p.PeerSockets;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.PortalConnection;
import dev.flint.shell.tls.TlsSettings;
import dev.flint.shell.portal.UserAgent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Firezone client with real IO: connlib's {@link ClientSession} on an {@link EventLoop} with one UDP socket
 * (Firezone's port 52625, every local address, the kernel choosing the source where the session does not) and the
 * TUN device, the portal WebSocket ({@link PortalConnection}, topic {@code client}) and recursion of non-resource DNS
 * queries to the system's resolvers. It knows nothing of IPC or of how the OS is configured: it reports the
 * {@link TunConfig} the device needs, the resource list and why it stopped, and the owner hands it the opened device
 * with {@link #attach}.
 *
 * <p>The session lives on the loop's thread; the portal's event loop and the DNS workers only post tasks to it. The
 * listener is called on that thread, so it may call back into this object but must not block for long.
 *
 * <p>A {@link #reset} (network change) starts a new <em>epoch</em>: the session closes its connections and takes a
 * new WireGuard key, and a new portal connection announces the key, as Firezone's client does (reference §1.11).
 * Reports from older epochs are ignored.
 */
public final class ClientTunnel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTunnel.class);
    /** How long to wait before trying again when there is no network or the portal is out of reach. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    /** What the tunnel reports to its owner; called on the engine thread. */
    public interface Listener {
        /**
         * The TUN device must have these addresses, routes and DNS servers (the sentinels). Also called
         * after every (re)join of the portal with the current configuration, changed or not, so it marks
         * that the tunnel is connected again.
         */
        void tunConfigChanged(TunConfig config);

        /** The resources the user can reach changed (also repeated after every join). */
        void resourcesChanged(List<Resource> resources);

        /**
         * No usable network (no interface address) or the portal cannot be reached; the tunnel keeps
         * retrying on its own (and at once after {@link #reset}).
         */
        void waitingForNetwork(String reason);

        /** The tunnel stopped for good; {@code requiresSignIn} when the token is invalid or expired. */
        void disconnected(String reason, boolean requiresSignIn);

        /**
         * The portal could not authorize {@code resourceId} ({@code authorization_creation_failed}): no gateway
         * of its sites is online ({@link FailureReason#OFFLINE}), none is compatible, the policy forbids it...
         */
        default void authorizationFailed(UUID resourceId, FailureReason reason) {
        }

        /**
         * STATUS HOOK (for the GUI's resource and connection views): a snapshot of every gateway connection (path,
         * RTT, bytes, last handshake) and every resource's state. Called on the engine thread when a connection or
         * an authorization changes, and every {@link #STATUS_INTERVAL} while any gateway connection exists. The
         * tunnel service maps it to IPC.
         */
        default void statusChanged(TunnelStatus status) {
        }
    }

    /** How often {@link Listener#statusChanged} repeats while a gateway connection exists (for live RTT and bytes). */
    public static final Duration STATUS_INTERVAL = Duration.ofSeconds(2);

    /**
     * How to connect.
     *
     * @param apiUrl            the portal's API URL ({@code wss://api.firezone.dev} or a devstack {@code ws://} URL)
     * @param token             the client token
     * @param deviceId          the persistent device id (sent hashed as {@code external_id})
     * @param deviceName        the name the portal shows
     * @param userAgent         the User-Agent header
     * @param tunName           the TUN device's name: its addresses are never used for peer sockets
     * @param socketMark        Linux {@code SO_MARK} for every socket the tunnel opens, 0 for none
     * @param systemResolvers   the resolvers the OS used before the tunnel's DNS took over
     * @param tls               TLS for the portal ({@code wss}): the client certificate, if any
     */
    public record Options(URI apiUrl, String token, String deviceId, String deviceName, UserAgent userAgent,
                          String tunName, int socketMark, List<InetAddress> systemResolvers, TlsSettings tls) {

        /** Without a client certificate. */
        public Options(URI apiUrl, String token, String deviceId, String deviceName, UserAgent userAgent,
                       String tunName, int socketMark, List<InetAddress> systemResolvers) {
            this(apiUrl, token, deviceId, deviceName, userAgent, tunName, socketMark, systemResolvers,
                TlsSettings.SYSTEM);
        }

        public Options {
            tls = tls == null ? TlsSettings.SYSTEM : tls;
            Objects.requireNonNull(apiUrl, "apiUrl");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(deviceName, "deviceName");
            Objects.requireNonNull(userAgent, "userAgent");
            Objects.requireNonNull(tunName, "tunName");
            systemResolvers = List.copyOf(systemResolvers);
        }
    }

    private final Options options;
    private final Listener listener;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final EventLoopGroup group;
    private final UpstreamDns dns;
    private final LinuxUdpSocket udp;
    private final ClientSession session;
    private final EventLoop loop;
    private volatile boolean running = true;

    // Loop thread only.
    private int epoch;
    private boolean joined;
    private boolean stopped;
    private boolean connected;
    private PortalConnection portal;
    private Instant retryAt;
    private Instant statusDue;

    private ClientTunnel(Options options, Listener listener) throws IOException {
        this.options = options;
        this.listener = Objects.requireNonNull(listener, "listener");
        boolean marked = options.socketMark() != 0;
        if (marked && !Epoll.isAvailable()) {
            throw new IllegalStateException("marking sockets needs Linux epoll: " + Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1,
            marked ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.dns = new UpstreamDns(options.socketMark());
        this.udp = LinuxUdpSocket.bindPreferring(PeerSockets.FIREZONE_PORT);
        try {
            if (marked) {
                udp.setMark(options.socketMark());
            }
            this.session = new ClientSession(WireGuardKey.generatePrivate(random), random, clock.instant());
            this.loop = EventLoop.start("client", session, new LoopShell(), udp, clock);
        } catch (IOException | RuntimeException e) {
            udp.close();
            throw e;
        }
    }

    /** Starts connecting: binds the peer socket, dials the portal and keeps going until {@link #close}. */
    public static ClientTunnel start(Options options, Listener listener) {
        ClientTunnel tunnel;
        try {
            tunnel = new ClientTunnel(options, listener);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the tunnel's UDP socket: " + e.getMessage(), e);
        }
        tunnel.dns.setBootstrapResolvers(options.systemResolvers());
        tunnel.loop.execute(() -> {
            tunnel.session.setSystemResolvers(options.systemResolvers(), tunnel.clock.instant());
            LOG.info("Peer traffic on UDP port {} (offloads: {})", tunnel.udp.port(), tunnel.udp.offloads());
            tunnel.connect("start");
        });
        return tunnel;
    }

    /**
     * Hands over the TUN device once the OS configured it: packets are read from it and written to it from
     * now on. The device stays the caller's; it is not closed here. Attaching another device replaces it.
     */
    public void attach(TunDevice device) {
        loop.attach(Objects.requireNonNull(device, "device"));
    }

    /** The resolvers non-resource queries go to when the portal configures none (e.g. after a DNS change). */
    public void setSystemResolvers(List<InetAddress> resolvers) {
        List<InetAddress> copy = List.copyOf(resolvers);
        dns.setBootstrapResolvers(copy);
        loop.execute(() -> session.setSystemResolvers(copy, clock.instant()));
    }

    /**
     * The user's "connect now": skip the rest of the portal back-off (or of the wait for the network) and try
     * again at once; the back-off starts afresh.
     */
    public void connectNow() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            if (retryAt != null) {
                connect("connect now"); // waiting for the network, or the portal's budget was spent
            } else if (portal != null) {
                portal.connectNow();
            }
        });
    }

    /** The user's Internet Resource toggle. */
    public void setInternetResourceActive(boolean active) {
        loop.execute(() -> session.setInternetResourceActive(active, clock.instant()));
    }

    /** The network changed: new key, new portal connection; resources are re-authorized lazily. */
    public void reset(String reason) {
        loop.execute(() -> {
            if (!stopped) {
                LOG.info("Resetting the tunnel: {}", reason);
                session.reset(clock.instant());
                connect(reason);
            }
        });
    }

    /** Stops everything; idempotent. The attached TUN device is left open for its owner. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            loop.submit(() -> {
                stopped = true;
                stopPortal();
                return null;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The client tunnel's loop did not stop its portal connection in time: {}", e.toString());
        }
        loop.close();
        udp.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        dns.close();
    }

    // ------------------------------------------------------------------ the loop thread

    /** Starts a new epoch: a new portal connection announcing the session's current key. */
    private void connect(String why) {
        stopPortal();
        int current = ++epoch;
        joined = false;
        retryAt = null;
        try {
            if (PeerSockets.interfaceAddresses(nif -> !nif.getName().equals(options.tunName())).isEmpty()) {
                waiting("no network interface has a usable address");
                return;
            }
        } catch (IOException e) {
            waiting("cannot list the network interfaces: " + e.getMessage());
            return;
        }
        try {
            DeviceIdentity device = new DeviceIdentity(options.deviceId(), options.deviceName(),
                session.publicKey().toBase64());
            portal = PortalConnection.client(options.apiUrl(), device, options.token(), options.userAgent(), group,
                event -> loop.execute(() -> onPortalEvent(current, event)),
                "wss".equals(options.apiUrl().getScheme()) ? options.tls().portalContext() : null);
            if (options.socketMark() != 0) {
                portal.markSockets(options.socketMark());
            }
            LOG.info("Connecting to the portal ({})", why);
            portal.start();
        } catch (RuntimeException e) {
            stopPortal();
            waiting("cannot start the portal connection: " + e.getMessage());
        }
    }

    private void waiting(String reason) {
        LOG.info("Waiting for the network: {}", reason);
        retryAt = clock.instant().plus(RETRY_INTERVAL);
        listener.waitingForNetwork(reason);
    }

    private void stopPortal() {
        if (portal != null) {
            portal.close();
            portal = null;
            session.handlePortalLeft();
        }
    }

    private void stop(String reason, boolean requiresSignIn) {
        if (stopped) {
            return;
        }
        LOG.info("Client tunnel stopped: {}", reason);
        stopped = true;
        stopPortal();
        listener.disconnected(reason, requiresSignIn);
    }

    // ------------------------------------------------------------------ portal

    private void onPortalEvent(int from, ChannelEvent event) {
        if (from != epoch || stopped) {
            return;
        }
        Instant now = clock.instant();
        switch (event) {
            case ChannelEvent.Joined j -> {
                joined = true;
                LOG.info("Joined the portal's client channel");
                session.handlePortalJoined(now);
            }
            case ChannelEvent.Inbound(String topic, String name, var payload) -> {
                switch (PortalCodec.decodePortalToClient(name, payload)) {
                    case Decoded.Ok<PortalToClient>(PortalToClient message, List<String> dropped) -> {
                        if (!dropped.isEmpty()) {
                            LOG.info("Portal {}: skipped malformed entries {}", name, dropped);
                        }
                        session.handlePortalMessage(message, now);
                    }
                    case Decoded.UnknownEvent<PortalToClient> unknown -> LOG.debug("Ignoring portal event {}", name);
                    case Decoded.Invalid<PortalToClient>(var error) -> LOG.warn("Dropping portal {}: {}", name, error);
                }
            }
            case ChannelEvent.Disconnected(String reason, Duration retryIn) -> {
                LOG.info("Portal connection lost ({}); retrying in {} ms", reason, retryIn.toMillis());
                session.handlePortalLeft();
                if (!joined) {
                    listener.waitingForNetwork("the portal cannot be reached: " + reason);
                }
            }
            case ChannelEvent.Failed(ChannelError error) -> {
                session.handlePortalLeft();
                if (error instanceof ChannelError.MaxRetriesReached) {
                    waiting("the portal cannot be reached: " + error.describe());
                } else {
                    stop(error.describe(), error.requiresSignIn());
                }
            }
            default -> { }
        }
    }

    // ------------------------------------------------------------------ the session on the loop

    /** What the tunnel does on the loop besides the session: portal messages, events, retries, status reports. */
    private final class LoopShell implements EventLoop.Shell {
        @Override
        public Instant pollTimeout() {
            return retryAt != null && (statusDue == null || retryAt.isBefore(statusDue)) ? retryAt : statusDue;
        }

        @Override
        public void handleTimeout(Instant now) {
            if (retryAt != null && !retryAt.isAfter(now) && !stopped) {
                retryAt = null;
                connect("retry");
            }
            if (statusDue != null && !statusDue.isAfter(now)) {
                publishStatus(now);
            }
        }

        @Override
        public void afterStep(Instant now) {
            for (ClientToPortal m = session.pollPortalMessage(); m != null; m = session.pollPortalMessage()) {
                if (portal != null && !stopped) {
                    portal.send(m);
                }
            }
            for (ClientSessionEvent e = session.pollEvent(); e != null; e = session.pollEvent()) {
                if (!stopped) {
                    onSessionEvent(e);
                }
            }
            if (session.takeStatusChange() && !stopped) {
                publishStatus(now);
            }
        }
    }

    /**
     * Reports the session's connections, resource states and relays ({@link Listener#statusChanged}); repeats every
     * {@link #STATUS_INTERVAL} while a gateway connection exists, for live RTT and byte counts.
     */
    private void publishStatus(Instant now) {
        statusDue = session.hasConnections() ? now.plus(STATUS_INTERVAL) : null;
        listener.statusChanged(new TunnelStatus(now, session.connectionStats(), session.resourceStates(),
            session.relays()));
    }

    private void onSessionEvent(ClientSessionEvent event) {
        switch (event) {
            case ClientEvent.TunConfigChanged(TunConfig config) -> {
                if (config != null) {
                    dns.setTunnelRoutes(config.routes());
                    listener.tunConfigChanged(config);
                }
            }
            case ClientEvent.ResourcesChanged(List<Resource> resources) -> listener.resourcesChanged(resources);
            case ClientEvent.UpstreamDnsQuery query -> {
                int from = epoch;
                dns.resolve(query, result -> loop.execute(() -> {
                    if (from == epoch && !stopped) {
                        session.handleUpstreamResult(query.queryId(), result, clock.instant());
                    }
                }));
            }
            case ClientSessionEvent.AuthorizationFailed(UUID resource, FailureReason reason) -> {
                LOG.info("The portal could not authorize resource {}: {}", resource, reason);
                listener.authorizationFailed(resource, reason);
            }
            case ClientSessionEvent.Connection(PeerEvent peer) -> {
                switch (peer) {
                    case PeerEvent.ConnectionEstablished(UUID id, var path) ->
                        LOG.info("Connected to gateway {} via {}", id, path);
                    case PeerEvent.PathChanged(UUID id, var path) -> LOG.info("Gateway {} path now {}", id, path);
                    case PeerEvent.ConnectionFailed(UUID id, String reason) ->
                        LOG.info("Connection to gateway {} failed: {}", id, reason);
                    case PeerEvent.ConnectionClosed(UUID id) -> LOG.debug("Connection to gateway {} closed", id);
                    default -> { }
                }
            }
        }
    }
}
