package dev.flint.tunnel.service;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.FlintVersion;
import dev.flint.ipc.GatewayUnreachableReason;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.logging.LogControl;
import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.shell.TunDevice;
import dev.flint.tunnel.cleanup.CleanupJournal;
import dev.flint.tunnel.cleanup.Repair;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.ResolvConfDns;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.IpcListener;
import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.PeerCheck;
import dev.flint.tunnel.os.ServiceOs;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's main loop: accepts one GUI at a time over the IPC socket, runs at most one session
 * for it, and owns what the session changes in the OS.
 *
 * <p>A session lives exactly as long as the GUI connection that started it: when the GUI goes away
 * for any reason (quit, crash, {@code kill -9}) the session is torn down and the OS restored. A
 * restarted GUI therefore reattaches to the service, not to an old tunnel: it receives a fresh
 * {@code Hello} and connects again with its stored token. This keeps the promise that no tunnel or
 * DNS change outlives the user-facing process that asked for it.
 */
public final class TunnelService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelService.class);

    /** Session state as the service tracks it (reference §2.7). */
    public enum State { IDLE, CONNECTING, CONNECTED, WAITING_FOR_NETWORK }

    private final ServicePaths paths;
    private final StateFiles stateFiles;
    private final IpcListener.Binder ipc;
    private final PeerCheck policy;
    private final TunnelInterface tunnel;
    private final DnsControl dns;
    private final NetworkMonitor.Factory networkMonitors;
    private final Session.Factory sessions;
    private final Optional<LogControl> logs;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private IpcListener server;
    private UUID deviceId;
    private AdvancedSettings settings;
    private Thread acceptor;
    private NetworkMonitor networkChanges;

    // Guarded by this.
    private IpcConnection<GuiMessage, ServiceMessage> gui;
    private Session session;
    private State state = State.IDLE;
    /** What the OS was given for the current session; null while nothing is applied. */
    private InterfaceConfig applied;
    /** The {@code GatewayUnreachable} messages sent in this session ("resource id/reason"). */
    private final java.util.Set<String> unreachableSent = new java.util.HashSet<>();
    private boolean terminating;
    /** Set once this process may touch the tunnel device and DNS (not while another service runs). */
    private boolean owner;
    private ManagedSettings managed = ManagedSettings.none();

    /**
     * @param ipc             the endpoint the GUI connects to (a Unix socket, or a named pipe on Windows)
     * @param policy          who may connect to it
     * @param networkMonitors how the OS tells of network changes; started once the service has started
     */
    public TunnelService(ServicePaths paths, StateFiles stateFiles, IpcListener.Binder ipc, PeerCheck policy,
                         TunnelInterface tunnel, DnsControl dns, NetworkMonitor.Factory networkMonitors,
                         Session.Factory sessions, Optional<LogControl> logs) {
        this.paths = paths;
        this.stateFiles = stateFiles;
        this.ipc = ipc;
        this.policy = policy;
        this.tunnel = tunnel;
        this.dns = dns;
        this.networkMonitors = networkMonitors;
        this.sessions = sessions;
        this.logs = logs;
    }

    /** The service for {@code os}'s pieces: its endpoint, peer check, tunnel interface and network monitor. */
    public static TunnelService on(ServiceOs os, ServicePaths paths, StateFiles stateFiles, boolean anyPeerExecutable,
                                   String interfaceName, DnsControl dns, Session.Factory sessions,
                                   Optional<LogControl> logs) {
        return new TunnelService(paths, stateFiles, os.ipc(paths), os.peerCheck(anyPeerExecutable),
                os.tunnelInterface(interfaceName), dns, os.networkMonitors(), sessions, logs);
    }

    /** Repairs what a dead predecessor left, loads the state files and binds the socket. */
    public void start() throws IOException {
        start(true);
    }

    /** As {@link #start()}; without {@code serveIpc} (headless mode) no endpoint is bound. */
    public void start(boolean serveIpc) throws IOException {
        if (serveIpc) {
            // Bind first: it fails while another service is listening, which must not be "repaired".
            server = ipc.bind();
        }
        synchronized (this) {
            owner = true;
        }
        List<String> failures = new Repair(paths.cleanupJournal(), tunnel::removeIfPresent).run();
        failures.forEach(f -> LOG.warn("{}", f));
        tunnel.removeIfPresent(tunnel.name());
        deviceId = stateFiles.deviceId();
        settings = stateFiles.advancedSettings();
        logs.ifPresent(l -> l.applyFilter(settings.logFilter()));
        networkChanges = networkMonitors.start(tunnel.name(), this::networkChanged);
        if (!serveIpc) {
            LOG.info("Tunnel service {} running headless", FlintVersion.current());
            return;
        }
        acceptor = Thread.ofPlatform().name("ipc-accept").start(this::acceptLoop);
        LOG.info("Tunnel service {} listening on {}", FlintVersion.current(), server.address());
    }

    /** What the administrator enforces (on Linux: the service's command line); sent in every {@code Hello}. */
    public synchronized void setManagedSettings(ManagedSettings managed) {
        this.managed = java.util.Objects.requireNonNull(managed, "managed");
    }

    private synchronized ManagedSettings managedSettings() {
        return managed;
    }

    public synchronized State state() {
        return state;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void acceptLoop() {
        while (true) {
            DuplexStream socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                synchronized (this) {
                    if (terminating) {
                        return;
                    }
                }
                LOG.warn("Accepting a GUI connection failed: {}", e.getMessage());
                continue;
            }
            IpcConnection<GuiMessage, ServiceMessage> connection = IpcConnection.serviceSide(socket);
            Optional<String> refusal = policy.check(socket.peer());
            if (refusal.isPresent()) {
                LOG.warn("Refused a connection from {}: {}", socket.peer(), refusal.get());
                connection.close();
                continue;
            }
            synchronized (this) {
                awaitPreviousGui();
                if (gui != null || terminating) {
                    LOG.info("Turned away a second GUI ({}) while one is connected", socket.peer());
                    sendQuietly(connection, new ServiceMessage.Disconnected(
                            "Another Flint window is already connected to the tunnel service.", false));
                    connection.close();
                    continue;
                }
                gui = connection;
            }
            Thread.ofVirtual().name("ipc-gui").start(() -> serve(connection));
        }
    }

    /**
     * A GUI that restarts can connect before its old connection's end has been processed here (the
     * kernel closes the socket first); give that a moment instead of turning the new GUI away.
     */
    private void awaitPreviousGui() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);
        while (gui != null && !terminating) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void serve(IpcConnection<GuiMessage, ServiceMessage> connection) {
        LOG.info("GUI connected: {}", connection.peer());
        try {
            connection.send(new ServiceMessage.Hello(ProtocolVersion.CURRENT, FlintVersion.current(), deviceId.toString(),
                    currentSettings(), managedSettings()));
            while (true) {
                DecodeResult<GuiMessage> result = connection.receive();
                switch (result) {
                    case DecodeResult.Decoded<GuiMessage>(GuiMessage message) -> handle(connection, message);
                    case DecodeResult.Rejected<GuiMessage>(var problem) -> {
                        LOG.info("Rejected a frame from the GUI: {}", problem.sentence());
                        connection.send(problem.toProtocolError());
                    }
                    case DecodeResult.Fatal<GuiMessage>(var fault) -> {
                        LOG.warn("Closing the GUI connection: {}", fault.sentence());
                        return;
                    }
                    case DecodeResult.EndOfStream<GuiMessage>() -> {
                        LOG.info("GUI disconnected");
                        return;
                    }
                }
            }
        } catch (IOException e) {
            LOG.info("GUI connection lost: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure while serving the GUI; dropping its connection", e);
        } finally {
            connection.close();
            synchronized (this) {
                if (gui == connection) {
                    gui = null;
                    endSession("the GUI disconnected");
                    notifyAll();
                }
            }
        }
    }

    /**
     * Reference §2.7: a connected session re-establishes its connections, a waiting one tries again at
     * once; a connecting one is left alone.
     */
    private synchronized void networkChanged() {
        if (session != null && (state == State.CONNECTED || state == State.WAITING_FOR_NETWORK)) {
            session.reset("network changed");
        }
    }

    private synchronized AdvancedSettings currentSettings() {
        return settings;
    }

    private void handle(IpcConnection<GuiMessage, ServiceMessage> connection, GuiMessage message) throws IOException {
        LOG.debug("GUI: {}", message);
        switch (message) {
            case GuiMessage.Connect connect -> connect(connection, connect);
            case GuiMessage.Disconnect ignored -> {
                synchronized (this) {
                    endSession("the user disconnected");
                }
                connection.send(new ServiceMessage.DisconnectedGracefully());
            }
            case GuiMessage.SetInternetResourceEnabled set -> {
                synchronized (this) {
                    if (session != null) {
                        session.setInternetResourceEnabled(set.enabled());
                    }
                }
            }
            case GuiMessage.ApplyAdvancedSettings apply -> connection.send(applySettings(apply.settings()));
            case GuiMessage.ClearLogs ignored -> connection.send(clearLogs());
            case GuiMessage.ConnectNow ignored -> {
                synchronized (this) {
                    if (session != null) {
                        session.connectNow();
                    }
                }
            }
            case GuiMessage.RunDiagnostics run -> {
                // The probes wait for the network (seconds at worst): answer from another thread.
                Thread.ofVirtual().name("diagnostics").start(() -> sendQuietly(connection, diagnostics(run)));
            }
        }
    }

    /** Answers {@code ConnectResult} before the session can report anything, then starts it. */
    private void connect(IpcConnection<GuiMessage, ServiceMessage> connection, GuiMessage.Connect connect)
            throws IOException {
        Session created;
        synchronized (this) {
            try {
                created = createSession(connect.token(), connect.internetResourceEnabled());
            } catch (Session.UnavailableException e) {
                connection.send(ServiceMessage.ConnectResult.failed(e.getMessage()));
                return;
            }
            connection.send(ServiceMessage.ConnectResult.ok());
        }
        created.start(new SessionEvents(created));
    }

    private Session createSession(String token, boolean internetResourceEnabled) throws Session.UnavailableException {
        if (session != null) {
            throw new Session.UnavailableException("Flint is already connected; disconnect first.");
        }
        Session created;
        try {
            created = sessions.create(token, internetResourceEnabled);
        } catch (Session.UnavailableException e) {
            LOG.warn("Cannot connect: {}", e.getMessage());
            throw e;
        }
        session = created;
        state = State.CONNECTING;
        return created;
    }

    /**
     * Headless mode: a session without a GUI, until {@link #close()}. Returns why it cannot start,
     * or empty once it has been started.
     */
    public Optional<String> startHeadless(String token) {
        return startHeadless(token, false);
    }

    /** As {@link #startHeadless(String)}, with the Internet Resource activated when {@code internet}. */
    public Optional<String> startHeadless(String token, boolean internet) {
        Session created;
        synchronized (this) {
            try {
                created = createSession(token, internet);
            } catch (Session.UnavailableException e) {
                return Optional.of(e.getMessage());
            }
        }
        created.start(new SessionEvents(created));
        return Optional.empty();
    }

    private ServiceMessage applySettings(AdvancedSettings requested) {
        try {
            stateFiles.saveAdvancedSettings(requested);
        } catch (IOException e) {
            return ServiceMessage.AdvancedSettingsApplied.failed("The settings could not be saved: " + e.getMessage());
        }
        synchronized (this) {
            settings = requested;
        }
        logs.ifPresent(l -> l.applyFilter(requested.logFilter()));
        return ServiceMessage.AdvancedSettingsApplied.ok(requested);
    }

    /** What the GUI's connectivity check needs from the service, with the probes only the service can make. */
    private ServiceMessage.DiagnosticsResult diagnostics(GuiMessage.RunDiagnostics run) {
        List<java.net.InetAddress> dnsServers;
        Session current;
        synchronized (this) {
            dnsServers = applied == null ? List.of() : applied.dnsServers();
            current = session;
        }
        Optional<ProbeTarget> target = current == null || run.probeResourceId() == null ? Optional.empty()
                : current.probeTarget(run.probeResourceId());
        dev.flint.ipc.ProbeResult stub = null;
        if (!dnsServers.isEmpty()) {
            // A resource's name tests the stub's own answer; without one, a name the stub recurses for.
            stub = ServiceProbes.stub(dnsServers.getFirst(), target.map(ProbeTarget::host)
                    .filter(h -> !h.matches("[0-9.:]+")).orElse("example.com"));
        }
        dev.flint.ipc.ProbeResult resource = null;
        if (run.probeResourceId() != null) {
            resource = target.map(ServiceProbes::resource).orElseGet(() -> new dev.flint.ipc.ProbeResult(
                    run.probeResourceId().toString(), false, null, current == null
                            ? "Flint is not connected, so no resource can be reached"
                            : "this resource has no single address to test (a pattern, a network or no TCP port)"));
        }
        return new ServiceMessage.DiagnosticsResult(dns.mode().cliName(),
                dnsServers.stream().map(java.net.InetAddress::getHostAddress).toList(), stub, tunnel.name(),
                current == null ? null : tunnel.mtu(), current == null ? List.of() : current.relays(), resource);
    }

    private ServiceMessage clearLogs() {
        if (logs.isEmpty()) {
            return ServiceMessage.LogsCleared.ok();
        }
        try {
            logs.get().clear();
            return ServiceMessage.LogsCleared.ok();
        } catch (IOException e) {
            return ServiceMessage.LogsCleared.failed("The logs could not be cleared: " + e.getMessage());
        }
    }

    /** Reports from the current session; stale reports from a replaced session are ignored. */
    private final class SessionEvents implements Session.Listener {
        private final Session owner;

        SessionEvents(Session owner) {
            this.owner = owner;
        }

        @Override
        public Optional<TunDevice> connected(InterfaceConfig config) {
            synchronized (TunnelService.this) {
                if (session != owner) {
                    return Optional.empty();
                }
                try {
                    if (applied == null) {
                        applyToOs(config);
                    } else {
                        reconfigureOs(applied, config);
                    }
                    applied = config;
                    if (state != State.CONNECTED) {
                        LOG.info("Connected");
                    }
                    state = State.CONNECTED;
                    return tunnel.device();
                } catch (IOException e) {
                    LOG.warn("Could not set up the tunnel interface: {}", e.getMessage());
                    IpcConnection<GuiMessage, ServiceMessage> current = gui;
                    endSession("the tunnel interface could not be set up");
                    if (current != null) {
                        sendQuietly(current, new ServiceMessage.Disconnected(
                                "The tunnel interface could not be set up: " + e.getMessage(), false));
                    }
                    return Optional.empty();
                }
            }
        }

        @Override
        public void waitingForNetwork(String reason) {
            synchronized (TunnelService.this) {
                if (session == owner) {
                    LOG.info("Waiting for the network: {}", reason);
                    state = State.WAITING_FOR_NETWORK;
                }
            }
        }

        @Override
        public void gatewayUnreachable(UUID resourceId, GatewayUnreachableReason reason) {
            IpcConnection<GuiMessage, ServiceMessage> current;
            synchronized (TunnelService.this) {
                if (session != owner || !unreachableSent.add(resourceId + "/" + reason)) {
                    return;
                }
                current = gui;
            }
            if (current != null) {
                sendQuietly(current, new ServiceMessage.GatewayUnreachable(resourceId, reason));
            }
        }

        @Override
        public void resourcesChanged(List<ResourceView> resources) {
            IpcConnection<GuiMessage, ServiceMessage> current;
            synchronized (TunnelService.this) {
                if (session != owner) {
                    return;
                }
                current = gui;
            }
            if (current != null) {
                sendQuietly(current, new ServiceMessage.ResourcesUpdated(resources, List.of()));
            }
        }

        @Override
        public void connectionsChanged(List<dev.flint.ipc.GatewayConnection> connections) {
            IpcConnection<GuiMessage, ServiceMessage> current;
            synchronized (TunnelService.this) {
                if (session != owner) {
                    return;
                }
                current = gui;
            }
            if (current != null) {
                sendQuietly(current, new ServiceMessage.ConnectionsUpdated(connections));
            }
        }

        @Override
        public void disconnected(String reason, boolean requiresSignIn) {
            IpcConnection<GuiMessage, ServiceMessage> current;
            synchronized (TunnelService.this) {
                if (session != owner) {
                    return;
                }
                current = gui;
                endSession(reason);
            }
            if (current != null) {
                sendQuietly(current, new ServiceMessage.Disconnected(reason, requiresSignIn));
            }
        }
    }

    /** Journal first, then change: a crash between the two leaves a journal that over-describes. */
    private void applyToOs(InterfaceConfig config) throws IOException {
        boolean rewritesResolvConf = dns instanceof ResolvConfDns;
        new CleanupJournal(tunnel.name(), dns.mode(),
                rewritesResolvConf ? Optional.of(paths.resolvConf()) : Optional.empty(),
                rewritesResolvConf ? Optional.of(((ResolvConfDns) dns).backup()) : Optional.empty())
                .write(paths.cleanupJournal());
        tunnel.up(config);
        if (!config.dnsServers().isEmpty()) {
            dns.activate(tunnel.name(), config.dnsServers(), config.searchDomain());
        }
    }

    /** Drops the session and restores the OS. Caller holds the lock. */
    private void endSession(String why) {
        if (session == null && state == State.IDLE) {
            return;
        }
        LOG.info("Ending the session: {}", why);
        unreachableSent.clear();
        if (session != null) {
            session.close();
            session = null;
        }
        state = State.IDLE;
        restoreOs();
    }

    /** A running session's new configuration: routes changed in place, DNS rewritten only if it changed. */
    private void reconfigureOs(InterfaceConfig before, InterfaceConfig after) throws IOException {
        tunnel.up(after);
        boolean dnsChanged = !before.dnsServers().equals(after.dnsServers())
                || !before.searchDomain().equals(after.searchDomain());
        if (dnsChanged && !after.dnsServers().isEmpty()) {
            dns.activate(tunnel.name(), after.dnsServers(), after.searchDomain());
        } else if (dnsChanged) {
            dns.deactivate();
        }
    }

    private void restoreOs() {
        applied = null;
        boolean clean = true;
        try {
            dns.deactivate();
        } catch (IOException e) {
            clean = false;
            LOG.warn("Could not restore DNS: {}", e.getMessage());
        }
        tunnel.down();
        if (clean) {
            try {
                java.nio.file.Files.deleteIfExists(paths.cleanupJournal());
            } catch (IOException e) {
                LOG.warn("Could not delete the cleanup journal: {}", e.getMessage());
            }
        }
    }

    private static void sendQuietly(IpcConnection<GuiMessage, ServiceMessage> connection, ServiceMessage message) {
        try {
            connection.send(message);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not send {} to the GUI: {}", message.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** Tells the GUI the service is stopping, ends the session, restores the OS and unbinds. */
    @Override
    public void close() {
        IpcConnection<GuiMessage, ServiceMessage> current;
        synchronized (this) {
            if (terminating) {
                return;
            }
            terminating = true;
            current = gui;
            gui = null;
            if (current != null) {
                sendQuietly(current, new ServiceMessage.TerminatingGracefully());
            }
            endSession("the service is stopping");
            if (owner) {
                restoreOs();
            }
        }
        if (current != null) {
            current.close();
        }
        if (server != null) {
            server.close();
        }
        if (networkChanges != null) {
            networkChanges.close();
        }
        LOG.info("Tunnel service stopped");
        stopped.countDown();
    }
}
