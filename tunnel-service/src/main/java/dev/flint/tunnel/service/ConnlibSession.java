package dev.flint.tunnel.service;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.peer.ConnectionStats;
import dev.flint.connlib.portal.FailureReason;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.ipc.GatewayUnreachableReason;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.Site;
import dev.flint.shell.client.ClientTunnel;
import dev.flint.shell.client.TunnelStatus;
import dev.flint.tunnel.os.InterfaceConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed-in session: connlib's client ({@link ClientTunnel}) with the portal, gateways and DNS, its
 * reports turned into the service's {@link InterfaceConfig} and the GUI's {@link ResourceView}s, and the
 * device the service opened handed to it. The system resolvers are re-read every few seconds and on every
 * reset, so a new network's DNS servers become the upstreams without reconnecting.
 */
public final class ConnlibSession implements Session {
    private static final Logger LOG = LoggerFactory.getLogger(ConnlibSession.class);
    static final Duration RESOLVER_POLL = Duration.ofSeconds(5);
    static final Duration OFFLINE_FOR = StatusMapping.OFFLINE_FOR;

    private final ClientTunnel.Options options;
    private final Supplier<List<InetAddress>> systemResolvers;
    private final boolean internetResourceEnabled;
    private final CompletableFuture<ClientTunnel> tunnel = new CompletableFuture<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("resolver-poll").daemon().unstarted(r));
    private volatile boolean closed;
    private List<InetAddress> lastResolvers;
    // Engine thread (listener callbacks) and the poller; guarded by this.
    private List<Resource> lastResources = List.of();
    private final Map<UUID, Instant> offlineUntil = new HashMap<>();
    /** The latest status snapshot's resource states; statuses are recomputed from them when a failure expires. */
    private List<dev.flint.connlib.tunnel.ResourceState> lastStates = List.of();
    private Map<UUID, ResourceStatus> statuses = Map.of();
    private List<dev.flint.connlib.peer.Relay> relays = List.of();
    private Listener listener;
    private final IdleCompaction idle = new IdleCompaction();

    /**
     * @param systemResolvers reads the resolvers the system had before Flint's DNS took over
     */
    public ConnlibSession(ClientTunnel.Options options, boolean internetResourceEnabled,
                          Supplier<List<InetAddress>> systemResolvers) {
        this.options = options;
        this.internetResourceEnabled = internetResourceEnabled;
        this.systemResolvers = systemResolvers;
        this.lastResolvers = options.systemResolvers();
    }

    @Override
    public void start(Listener listener) {
        if (closed) {
            return;
        }
        synchronized (this) {
            this.listener = listener;
        }
        ClientTunnel started;
        try {
            started = startTunnel(listener);
        } catch (RuntimeException e) {
            LOG.warn("The session could not start", e);
            listener.disconnected("The tunnel could not start: " + e.getMessage(), false);
            return;
        }
        started.setInternetResourceActive(internetResourceEnabled);
        tunnel.complete(started);
        poller.scheduleWithFixedDelay(this::refreshResolvers, RESOLVER_POLL.toMillis(), RESOLVER_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private ClientTunnel startTunnel(Listener listener) {
        return ClientTunnel.start(options, new ClientTunnel.Listener() {
            @Override
            public void tunConfigChanged(TunConfig config) {
                if (!closed) {
                    listener.connected(interfaceConfig(config)).ifPresent(device -> tunnel.join().attach(device));
                    if (idle.tunnelUp()) {
                        poller.execute(ConnlibSession::compactHeap);
                    }
                }
            }

            @Override
            public void resourcesChanged(List<Resource> resources) {
                if (!closed) {
                    listener.resourcesChanged(views(resources));
                }
            }

            @Override
            public void authorizationFailed(UUID resourceId, FailureReason reason) {
                GatewayUnreachableReason why = switch (reason) {
                    case OFFLINE -> GatewayUnreachableReason.ALL_OFFLINE;
                    case VERSION_MISMATCH -> GatewayUnreachableReason.VERSION_MISMATCH;
                    default -> null;
                };
                if (closed || why == null) {
                    return;
                }
                listener.gatewayUnreachable(resourceId, why);
                if (why == GatewayUnreachableReason.ALL_OFFLINE) {
                    markOffline(resourceId);
                }
            }

            @Override
            public void waitingForNetwork(String reason) {
                if (!closed) {
                    listener.waitingForNetwork(reason);
                }
            }

            @Override
            public void disconnected(String reason, boolean requiresSignIn) {
                if (!closed) {
                    listener.disconnected(reason, requiresSignIn);
                }
            }

            @Override
            public void statusChanged(TunnelStatus status) {
                if (!closed) {
                    onStatus(status, listener);
                }
            }
        });
    }

    /** The GUI's list with the statuses known now; remembered so a status change can resend it. */
    private synchronized List<ResourceView> views(List<Resource> resources) {
        lastResources = List.copyOf(resources);
        statuses = currentStatuses(Instant.now());
        return resourceViews(resources, statuses);
    }

    private Map<UUID, ResourceStatus> currentStatuses(Instant now) {
        offlineUntil.values().removeIf(until -> !until.isAfter(now));
        Map<UUID, ResourceStatus> out = new HashMap<>(StatusMapping.statuses(lastStates, now, offlineUntil));
        offlineUntil.keySet().forEach(id -> out.putIfAbsent(id, ResourceStatus.OFFLINE));
        return out;
    }

    /**
     * A status snapshot from the tunnel: the connections go to the GUI every time (RTT and bytes move), the
     * resource list only when a status changed.
     */
    private void onStatus(TunnelStatus status, Listener listener) {
        List<ResourceView> changed = null;
        synchronized (this) {
            relays = status.relays();
            lastStates = status.resources();
            Map<UUID, ResourceStatus> next = currentStatuses(status.at());
            if (!next.equals(statuses)) {
                statuses = next;
                changed = resourceViews(lastResources, next);
                if (next.containsValue(ResourceStatus.OFFLINE)) {
                    // Nothing else may happen to say when offline expires.
                    poller.schedule(this::resendStatuses, OFFLINE_FOR.toMillis() + 10, TimeUnit.MILLISECONDS);
                }
            }
        }
        if (changed != null) {
            listener.resourcesChanged(changed);
        }
        listener.connectionsChanged(StatusMapping.connections(status));
        long moved = 0;
        for (ConnectionStats c : status.connections()) {
            moved += c.bytesSent() + c.bytesReceived();
        }
        if (idle.observe(moved, status.at())) {
            poller.execute(ConnlibSession::compactHeap);
        }
    }

    /** A full collection (the serial collector then shrinks the heap to fit), off the engine's thread. */
    @SuppressWarnings("java:S1215") // deliberate: see IdleCompaction
    private static void compactHeap() {
        long before = Runtime.getRuntime().totalMemory();
        System.gc();
        LOG.debug("Heap compacted from {} to {} KB", before / 1024,
            Runtime.getRuntime().totalMemory() / 1024);
    }

    /** Firezone shows a resource whose gateways are all offline as offline for five minutes. */
    private void markOffline(UUID resourceId) {
        List<ResourceView> views;
        synchronized (this) {
            offlineUntil.put(resourceId, Instant.now().plus(OFFLINE_FOR));
            statuses = currentStatuses(Instant.now());
            views = resourceViews(lastResources, statuses);
        }
        listener.resourcesChanged(views);
        poller.schedule(this::resendStatuses, OFFLINE_FOR.toMillis() + 10, TimeUnit.MILLISECONDS);
    }

    private void resendStatuses() {
        List<ResourceView> views;
        Listener current;
        synchronized (this) {
            if (closed) {
                return;
            }
            views = views(lastResources);
            current = listener;
        }
        current.resourcesChanged(views);
    }

    @Override
    public synchronized List<dev.flint.ipc.RelayView> relays() {
        return StatusMapping.relays(relays);
    }

    @Override
    public synchronized Optional<ProbeTarget> probeTarget(UUID resourceId) {
        return lastResources.stream().filter(r -> r.id().equals(resourceId)).findFirst().flatMap(ProbeTarget::of);
    }

    private synchronized void refreshResolvers() {
        ClientTunnel running = tunnel.getNow(null);
        if (closed || running == null) {
            return;
        }
        List<InetAddress> now = systemResolvers.get();
        if (!now.isEmpty() && !now.equals(lastResolvers)) {
            LOG.info("The system's DNS servers are now {}", now);
            lastResolvers = now;
            running.setSystemResolvers(now);
        }
    }

    @Override
    public void setInternetResourceEnabled(boolean enabled) {
        tunnel.thenAccept(t -> t.setInternetResourceActive(enabled));
    }

    @Override
    public void connectNow() {
        tunnel.thenAccept(ClientTunnel::connectNow);
    }

    @Override
    public void reset(String reason) {
        refreshResolvers();
        tunnel.thenAccept(t -> t.reset(reason));
    }

    /**
     * Called by the service with its lock held, while the tunnel's thread may be waiting for that lock
     * to report: so the tunnel is stopped on another thread. Reports after this are dropped, and the
     * service closes the device, which ends the tunnel's use of it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.shutdownNow();
        tunnel.thenAccept(t -> Thread.ofPlatform().name("client-tunnel-close").start(t::close));
    }

    // ------------------------------------------------------------------ conversions

    /** connlib's TUN configuration as the service applies it; sentinels IPv4 first, in address order. */
    static InterfaceConfig interfaceConfig(TunConfig config) {
        List<IpPrefix> routes = List.copyOf(config.routes());
        List<InetAddress> dns = new ArrayList<>(config.dnsBySentinel().keySet());
        dns.sort(Comparator.comparing((InetAddress a) -> a instanceof Inet4Address ? 0 : 1)
                .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned));
        return new InterfaceConfig(Optional.ofNullable(config.ipv4()), Optional.ofNullable(config.ipv6()), routes,
                dns, Optional.ofNullable(config.searchDomain()).filter(s -> !s.isBlank()));
    }

    /**
     * The resources as the GUI lists them: the Internet Resource first, then by name, then by id; each with its
     * status from {@code statuses} (unknown when absent). Device pools are not shown (Flint does not offer
     * client-to-client access).
     */
    static List<ResourceView> resourceViews(List<Resource> resources, Map<UUID, ResourceStatus> statuses) {
        List<ResourceView> views = new ArrayList<>();
        for (Resource r : resources) {
            ResourceStatus status = statuses.getOrDefault(r.id(), ResourceStatus.UNKNOWN);
            switch (r) {
                case Resource.Dns d -> views.add(new ResourceView.Dns(d.id(), d.address(), d.name(),
                        d.addressDescription(), sites(d.sites()), status));
                case Resource.Cidr c -> views.add(new ResourceView.Cidr(c.id(), c.address().toString(), c.name(),
                        c.addressDescription(), sites(c.sites()), status));
                case Resource.Internet i -> views.add(new ResourceView.Internet(i.id(), i.displayName(),
                        sites(i.sites()), status));
                default -> { }
            }
        }
        views.sort(Comparator.comparing((ResourceView v) -> v instanceof ResourceView.Internet ? 0 : 1)
                .thenComparing(ResourceView::name).thenComparing(ResourceView::id));
        return List.copyOf(views);
    }

    private static List<Site> sites(List<dev.flint.connlib.portal.Site> sites) {
        return sites.stream().map(s -> new Site(s.id(), s.name())).toList();
    }
}
