package dev.flint.shell.client;

import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.ice.IceRole;
import dev.flint.connlib.peer.DecryptedPacket;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.peer.PeerNode;
import dev.flint.connlib.peer.Relay;
import dev.flint.connlib.phoenix.ChannelError;
import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Decoded;
import dev.flint.connlib.portal.FailureReason;
import dev.flint.connlib.portal.PortalCodec;
import dev.flint.connlib.portal.PortalMessage;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.ClientState;
import dev.flint.connlib.tunnel.GatewayTransmit;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.connlib.turn.RelayCredentials;
import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.shell.PacketBatch;
import dev.flint.shell.TunDevice;
import dev.flint.shell.linux.SocketMark;
import dev.flint.shell.p2p.PeerSocketShell;
import dev.flint.shell.p2p.PeerSockets;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.PortalConnection;
import dev.flint.shell.portal.UserAgent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Firezone client with real IO: the portal WebSocket ({@link PortalConnection}, topic {@code client}),
 * connlib's {@link ClientState}, a {@link PeerNode} on UDP sockets ({@link PeerSocketShell}), a TUN pump and
 * recursion of non-resource DNS queries to the system's resolvers. It knows nothing of IPC or of how the OS
 * is configured: it reports the {@link TunConfig} the device needs, the resource list and why it stopped,
 * and the owner hands it the opened device with {@link #attach}.
 *
 * <p>One engine thread owns the {@link ClientState} and all wiring; the portal's event loop, the peer
 * shell's thread, the TUN reader and the DNS workers only post tasks to it. The listener is called on the
 * engine thread, so it may call back into this object but must not block for long.
 *
 * <p>A {@link #reset} (network change) starts a new <em>epoch</em>: a new WireGuard key, sockets bound to
 * the current interface addresses, and a new portal connection announcing the new key, as Firezone's
 * client does (reference §1.11). Reports from older epochs are ignored.
 */
public final class ClientTunnel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTunnel.class);
    /** How long to wait before trying again when there is no network or the portal is out of reach. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
    private static final Duration MAX_IDLE = Duration.ofSeconds(1);
    private static final int TUN_SLOTS = 64;
    private static final int SLOT_SIZE = 65536;

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
         * an authorization changes, and every {@link #STATUS_INTERVAL} while any gateway connection exists. Keep
         * this hook and {@link #publishStatus} when recomposing the engine: the tunnel service maps it to IPC.
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
     */
    public record Options(URI apiUrl, String token, String deviceId, String deviceName, UserAgent userAgent,
                          String tunName, int socketMark, List<InetAddress> systemResolvers) {
        public Options {
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
    private final ClientState state;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final EventLoopGroup group;
    private final UpstreamDns dns;
    private final Thread engine;
    private volatile boolean running = true;
    private volatile boolean shutDownDone;

    // Engine thread only.
    private int epoch;
    private boolean joined;
    private boolean stopped;
    private PortalConnection portal;
    private PeerSocketShell peers;
    private final Set<UUID> relayIds = new HashSet<>();
    private final Set<UUID> gateways = new HashSet<>();
    private TunDevice tun;
    private Thread tunReader;
    private final PacketBatch writeBatch = new PacketBatch(TUN_SLOTS, SLOT_SIZE);
    private Instant retryAt;
    private boolean republish;
    private long droppedWithoutTun;
    private Instant statusDue;

    private ClientTunnel(Options options, Listener listener) {
        this.options = options;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.state = new ClientState(new ProxyIpAllocator(), random);
        boolean marked = options.socketMark() != 0;
        if (marked && !Epoll.isAvailable()) {
            throw new IllegalStateException("marking sockets needs Linux epoll: " + Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1,
            marked ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.dns = new UpstreamDns(options.socketMark());
        this.engine = Thread.ofPlatform().name("client-tunnel").daemon().unstarted(this::loop);
    }

    /** Starts connecting: binds the peer sockets, dials the portal and keeps going until {@link #close}. */
    public static ClientTunnel start(Options options, Listener listener) {
        ClientTunnel tunnel = new ClientTunnel(options, listener);
        tunnel.post(() -> {
            tunnel.state.setSystemResolvers(options.systemResolvers());
            tunnel.connect("start");
        });
        tunnel.engine.start();
        return tunnel;
    }

    /**
     * Hands over the TUN device once the OS configured it: packets are read from it and written to it from
     * now on. The device stays the caller's; it is not closed here. Attaching another device replaces it.
     */
    public void attach(TunDevice device) {
        Objects.requireNonNull(device, "device");
        post(() -> {
            if (tun == device) {
                return;
            }
            tun = device;
            if (droppedWithoutTun > 0) {
                LOG.debug("{} packet(s) for the TUN device were dropped before it was attached", droppedWithoutTun);
            }
            tunReader = Thread.ofPlatform().name("tun-read").daemon().start(() -> readTun(device));
        });
    }

    /** The resolvers non-resource queries go to when the portal configures none (e.g. after a DNS change). */
    public void setSystemResolvers(List<InetAddress> resolvers) {
        List<InetAddress> copy = List.copyOf(resolvers);
        post(() -> state.setSystemResolvers(copy));
    }

    /** The user's Internet Resource toggle. */
    public void setInternetResourceActive(boolean active) {
        post(() -> state.setInternetResourceActive(active, Instant.now()));
    }

    /** The network changed: new key, new sockets, new portal connection; resources are re-authorized lazily. */
    public void reset(String reason) {
        post(() -> {
            if (!stopped) {
                LOG.info("Resetting the tunnel: {}", reason);
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
        if (Thread.currentThread() == engine) {
            // From a listener: finish here; the loop ends when this task returns.
            shutDown();
            running = false;
        } else {
            // The loop ends only after it ran the shut-down itself: clearing `running` from here could end it
            // between two polls with the shut-down still queued, leaving the sockets bound.
            post(() -> {
                shutDown();
                running = false;
            });
            try {
                engine.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (engine.isAlive() || !shutDownDone) {
                LOG.warn("The client tunnel's engine did not stop in time; closing its sockets from here");
                running = false;
                shutDown();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        dns.close();
    }

    // ------------------------------------------------------------------ the engine thread

    private void post(Runnable task) {
        tasks.add(task);
    }

    private void loop() {
        while (running) {
            try {
                Instant now = Instant.now();
                Instant due = state.pollTimeout();
                if (retryAt != null && (due == null || retryAt.isBefore(due))) {
                    due = retryAt;
                }
                long waitMillis = due == null ? MAX_IDLE.toMillis()
                    : Math.clamp(Duration.between(now, due).toMillis(), 0, MAX_IDLE.toMillis());
                Runnable task = tasks.poll(waitMillis, TimeUnit.MILLISECONDS);
                for (int i = 0; task != null && i < 256; i++) {
                    task.run();
                    task = tasks.poll();
                }
                if (task != null) {
                    task.run();
                }
                now = Instant.now();
                Instant timer = state.pollTimeout();
                if (timer != null && !timer.isAfter(now)) {
                    state.handleTimeout(now);
                }
                if (statusDue != null && !statusDue.isAfter(now)) {
                    publishStatus();
                }
                if (retryAt != null && !retryAt.isAfter(now) && !stopped) {
                    retryAt = null;
                    connect("retry");
                }
                flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Client tunnel step failed; continuing", e);
            }
        }
    }

    /** Starts a new epoch: fresh sockets and key, a new portal connection. */
    private void connect(String why) {
        stopIo();
        int current = ++epoch;
        joined = false;
        retryAt = null;
        Instant now = Instant.now();
        for (UUID gateway : List.copyOf(gateways)) {
            state.handleConnectionFailed(gateway, now);
        }
        gateways.clear();
        relayIds.clear();
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            List<InetAddress> addresses = PeerSockets.interfaceAddresses(
                nif -> !nif.getName().equals(options.tunName()));
            for (InetAddress address : addresses) {
                // One at a time: a tentative IPv6 address (duplicate detection still running) cannot be bound yet.
                try {
                    channels.addAll(PeerSockets.bind(List.of(address), PeerSockets.FIREZONE_PORT));
                } catch (IOException e) {
                    LOG.debug("Skipping {} for peer traffic: {}", address.getHostAddress(), e.getMessage());
                }
            }
        } catch (IOException e) {
            waiting("cannot list the network interfaces: " + e.getMessage());
            return;
        }
        if (channels.isEmpty()) {
            waiting("no network interface has a usable address");
            return;
        }
        try {
            if (options.socketMark() != 0) {
                for (DatagramChannel channel : channels) {
                    SocketMark.apply(channel, options.socketMark());
                }
            }
            PeerNode node = new PeerNode(WireGuardKey.generatePrivate(random), false, random, now);
            peers = PeerSocketShell.start(node, channels,
                event -> post(() -> onPeerEvent(current, event)),
                packet -> post(() -> onDecrypted(current, packet)), "client");
            DeviceIdentity device = new DeviceIdentity(options.deviceId(), options.deviceName(),
                node.publicKey().toBase64());
            portal = PortalConnection.client(options.apiUrl(), device, options.token(), options.userAgent(), group,
                event -> post(() -> onPortalEvent(current, event)));
            if (options.socketMark() != 0) {
                portal.markSockets(options.socketMark());
            }
            LOG.info("Connecting to the portal ({}); peer sockets on {}", why, peers.localAddresses());
            portal.start();
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel channel : channels) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            stopIo();
            waiting("cannot start the tunnel's sockets: " + e.getMessage());
        }
    }

    private void waiting(String reason) {
        LOG.info("Waiting for the network: {}", reason);
        retryAt = Instant.now().plus(RETRY_INTERVAL);
        listener.waitingForNetwork(reason);
    }

    private void stopIo() {
        if (portal != null) {
            portal.close();
            portal = null;
        }
        if (peers != null) {
            peers.close();
            peers = null;
        }
    }

    private void shutDown() {
        if (shutDownDone) {
            return;
        }
        shutDownDone = true;
        stopped = true;
        stopIo();
        tun = null;
        if (tunReader != null) {
            tunReader.interrupt();
            try {
                tunReader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeBatch.close();
    }

    private void stop(String reason, boolean requiresSignIn) {
        if (stopped) {
            return;
        }
        LOG.info("Client tunnel stopped: {}", reason);
        stopped = true;
        stopIo();
        listener.disconnected(reason, requiresSignIn);
    }

    // ------------------------------------------------------------------ portal

    private void onPortalEvent(int from, ChannelEvent event) {
        if (from != epoch || stopped) {
            return;
        }
        switch (event) {
            case ChannelEvent.Joined joined -> {
                this.joined = true;
                LOG.info("Joined the portal's client channel");
            }
            case ChannelEvent.Inbound(String topic, String name, var payload) -> {
                switch (PortalCodec.decodePortalToClient(name, payload)) {
                    case Decoded.Ok<PortalToClient>(PortalToClient message, List<String> dropped) -> {
                        if (!dropped.isEmpty()) {
                            LOG.info("Portal {}: skipped malformed entries {}", name, dropped);
                        }
                        onPortalMessage(message);
                    }
                    case Decoded.UnknownEvent<PortalToClient> unknown -> LOG.debug("Ignoring portal event {}", name);
                    case Decoded.Invalid<PortalToClient>(var error) -> LOG.warn("Dropping portal {}: {}", name, error);
                }
            }
            case ChannelEvent.Disconnected(String reason, Duration retryIn) -> {
                LOG.info("Portal connection lost ({}); retrying in {} ms", reason, retryIn.toMillis());
                if (!joined) {
                    listener.waitingForNetwork("the portal cannot be reached: " + reason);
                }
            }
            case ChannelEvent.Failed(ChannelError error) -> {
                if (error instanceof ChannelError.MaxRetriesReached) {
                    waiting("the portal cannot be reached: " + error.describe());
                } else {
                    stop(error.describe(), error.requiresSignIn());
                }
            }
            default -> { }
        }
    }

    private void onPortalMessage(PortalToClient message) {
        Instant now = Instant.now();
        switch (message) {
            case PortalToClient.Init init -> {
                state.handlePortalMessage(init, now);
                updateRelays(List.of(), init.relays(), true);
                republish = true;
            }
            case PortalToClient.RelaysPresence presence ->
                updateRelays(presence.disconnectedIds(), presence.connected(), false);
            case PortalToClient.AuthorizationCreated a -> {
                if (peers != null) {
                    UUID gateway = a.gatewayId();
                    gateways.add(gateway);
                    WireGuardKey remote = WireGuardKey.fromBytes(a.gatewayPublicKey().bytes());
                    WireGuardKey psk = WireGuardKey.fromBytes(a.presharedKey().bytes());
                    var local = new dev.flint.connlib.ice.IceCredentials(a.clientIceCredentials().username(),
                        a.clientIceCredentials().password());
                    var remoteIce = new dev.flint.connlib.ice.IceCredentials(a.gatewayIceCredentials().username(),
                        a.gatewayIceCredentials().password());
                    peers.submit((node, t) -> node.upsertConnection(gateway, remote, psk, local, remoteIce,
                        IceRole.CONTROLLING, t));
                }
                state.handlePortalMessage(a, now);
                publishStatus();
            }
            case PortalToClient.AuthorizationCreationFailed f -> {
                LOG.info("The portal could not authorize resource {}: {}", f.resourceId(), f.reason());
                state.handlePortalMessage(f, now);
                listener.authorizationFailed(f.resourceId(), f.kind());
                publishStatus();
            }
            case PortalToClient.IceCandidates c -> {
                if (peers != null) {
                    peers.submit((node, t) -> {
                        c.candidates().forEach(sdp -> node.addRemoteCandidate(c.gatewayId(), sdp, t));
                        return null;
                    });
                }
            }
            case PortalToClient.InvalidateIceCandidates c -> {
                if (peers != null) {
                    peers.submit((node, t) -> {
                        c.candidates().forEach(sdp -> node.removeRemoteCandidate(c.gatewayId(), sdp, t));
                        return null;
                    });
                }
            }
            default -> {
                if (!state.handlePortalMessage(message, now)) {
                    LOG.debug("Ignoring portal message {}", message.getClass().getSimpleName());
                }
            }
        }
    }

    /** Firezone's portal lists a dual-stack relay twice with one id; the peer layer wants one entry. */
    private void updateRelays(List<UUID> gone, List<dev.flint.connlib.portal.Relay> entries, boolean replaceAll) {
        Map<UUID, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        Map<UUID, RelayCredentials> credentials = new LinkedHashMap<>();
        for (var entry : entries) {
            if (entry instanceof dev.flint.connlib.portal.Relay.Turn turn) {
                addresses.computeIfAbsent(turn.id(), id -> new ArrayList<>()).add(turn.addr());
                credentials.put(turn.id(), new RelayCredentials(turn.username(), turn.password()));
            }
        }
        List<Relay> add = addresses.entrySet().stream()
            .map(e -> new Relay(e.getKey(), e.getValue(), credentials.get(e.getKey()))).toList();
        Set<UUID> remove = new HashSet<>(gone);
        if (replaceAll) {
            relayIds.stream().filter(id -> !addresses.containsKey(id)).forEach(remove::add);
        }
        relayIds.removeAll(remove);
        relayIds.addAll(addresses.keySet());
        if (peers != null) {
            List<UUID> removeList = List.copyOf(remove);
            peers.submit((node, t) -> {
                node.updateRelays(removeList, add, t);
                return null;
            });
            publishStatus(); // the relays are part of the status (the GUI's connectivity check tests them)
        }
    }

    private void send(PortalMessage message) {
        if (portal != null) {
            portal.send(message);
        }
    }

    // ------------------------------------------------------------------ peers

    private void onPeerEvent(int from, PeerEvent event) {
        if (from != epoch || stopped) {
            return;
        }
        Instant now = Instant.now();
        switch (event) {
            case PeerEvent.NewIceCandidate(UUID connection, String candidate) ->
                send(new ClientToPortal.NewGatewayIceCandidates(connection, List.of(candidate)));
            case PeerEvent.InvalidateIceCandidate(UUID connection, String candidate) ->
                send(new ClientToPortal.InvalidateGatewayIceCandidates(connection, List.of(candidate)));
            case PeerEvent.ConnectionEstablished(UUID connection, var path) -> {
                LOG.info("Connected to gateway {} via {}", connection, path);
                state.handleConnectionEstablished(connection, now);
                publishStatus();
            }
            case PeerEvent.ConnectionFailed(UUID connection, String reason) -> {
                LOG.info("Connection to gateway {} failed: {}", connection, reason);
                gateways.remove(connection);
                state.handleConnectionFailed(connection, now);
                publishStatus();
            }
            case PeerEvent.ConnectionClosed(UUID connection) -> {
                gateways.remove(connection);
                state.handleConnectionFailed(connection, now);
                publishStatus();
            }
            case PeerEvent.NoRelays() -> send(new ClientToPortal.NoRelays());
            case PeerEvent.PathChanged changed -> {
                LOG.debug("Gateway {} path now {}", changed.connection(), changed.path());
                publishStatus();
            }
        }
    }

    private void onDecrypted(int from, DecryptedPacket packet) {
        if (from == epoch && !stopped) {
            state.handleGatewayPacket(packet.connection(), packet.packet(), Instant.now());
        }
    }

    // ------------------------------------------------------------------ status (see Listener#statusChanged)

    /**
     * Takes the peer layer's connection stats on its own thread, then reports them with the resource states from
     * this (the engine) thread. Repeats every STATUS_INTERVAL while any gateway connection exists.
     */
    private void publishStatus() {
        statusDue = gateways.isEmpty() ? null : Instant.now().plus(STATUS_INTERVAL);
        int from = epoch;
        PeerSocketShell shell = peers;
        if (shell == null || stopped) {
            return;
        }
        shell.submit((node, t) -> new TunnelStatus(t, node.connectionStats(), List.of(), node.relays()))
            .thenAccept(peerSide -> post(() -> {
                if (from == epoch && !stopped) {
                    listener.statusChanged(new TunnelStatus(Instant.now(), peerSide.connections(), state.resourceStates(),
                        peerSide.relays()));
                }
            }));
    }

    // ------------------------------------------------------------------ outputs

    private void flush() {
        if (stopped) {
            return;
        }
        writeTun();
        Map<UUID, List<byte[]>> outbound = new LinkedHashMap<>();
        for (GatewayTransmit t = state.pollGatewayTransmit(); t != null; t = state.pollGatewayTransmit()) {
            outbound.computeIfAbsent(t.peer(), id -> new ArrayList<>()).add(t.packet());
        }
        if (peers != null) {
            outbound.forEach(peers::send);
        }
        boolean sawConfig = false;
        boolean sawResources = false;
        for (ClientEvent event = state.pollEvent(); event != null; event = state.pollEvent()) {
            sawConfig |= event instanceof ClientEvent.TunConfigChanged;
            sawResources |= event instanceof ClientEvent.ResourcesChanged;
            switch (event) {
                case ClientEvent.RequestAuthorization(UUID resource, List<UUID> connected) -> {
                    send(ClientToPortal.RequestAuthorization.of(resource, connected));
                    publishStatus();
                }
                case ClientEvent.CloseConnection(UUID gateway) -> {
                    gateways.remove(gateway);
                    if (peers != null) {
                        peers.submit((node, t) -> {
                            node.closeConnection(gateway);
                            return null;
                        });
                    }
                }
                case ClientEvent.TunConfigChanged(TunConfig config) -> listener.tunConfigChanged(config);
                case ClientEvent.ResourcesChanged(List<Resource> resources) -> listener.resourcesChanged(resources);
                case ClientEvent.UpstreamDnsQuery query -> {
                    int from = epoch;
                    dns.resolve(query, result -> post(() -> {
                        if (from == epoch && !stopped) {
                            state.handleUpstreamResult(query.queryId(), result, Instant.now());
                        }
                    }));
                }
            }
        }
        if (republish) {
            republish = false;
            TunConfig config = state.tunConfig();
            if (!sawConfig && config != null) {
                listener.tunConfigChanged(config);
            }
            if (!sawResources) {
                listener.resourcesChanged(state.resources());
            }
        }
        writeTun(); // answers produced while handling the events above
    }

    private void writeTun() {
        writeBatch.clear();
        for (byte[] packet = state.pollTunPacket(); packet != null; packet = state.pollTunPacket()) {
            if (tun == null) {
                droppedWithoutTun++;
                continue;
            }
            if (!writeBatch.add(java.nio.ByteBuffer.wrap(packet))) {
                writeOut();
                writeBatch.add(java.nio.ByteBuffer.wrap(packet));
            }
        }
        writeOut();
    }

    private void writeOut() {
        if (writeBatch.count() > 0 && tun != null) {
            try {
                tun.write(writeBatch);
            } catch (IOException e) {
                LOG.debug("Writing to the TUN device failed: {}", e.getMessage());
            }
        }
        writeBatch.clear();
    }

    /** The TUN reader: batches become one engine task each. */
    private void readTun(TunDevice device) {
        try (PacketBatch batch = new PacketBatch(TUN_SLOTS, SLOT_SIZE)) {
            while (running) {
                int n = device.read(batch, 250);
                if (n < 0) {
                    return;
                }
                if (n == 0) {
                    continue;
                }
                List<byte[]> packets = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] bytes = new byte[batch.length(i)];
                    batch.buffer(i).get(0, bytes);
                    packets.add(bytes);
                }
                post(() -> {
                    if (tun == device && !stopped) {
                        Instant now = Instant.now();
                        for (byte[] p : packets) {
                            state.handleTunInput(p, now);
                        }
                    }
                });
            }
        } catch (IOException e) {
            if (running) {
                LOG.warn("Reading the TUN device failed: {}", e.getMessage());
            }
        }
    }
}
