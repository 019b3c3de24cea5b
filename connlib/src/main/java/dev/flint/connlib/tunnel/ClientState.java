package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsResource;
import dev.flint.connlib.dns.DomainPattern;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.Resolution;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.packet.UnreachableReason;
import dev.flint.connlib.portal.FailureReason;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The client's tunnel brain, sans-IO (reference §3–§5): turns the portal's resources into routes and DNS answers,
 * routes TUN packets to gateways, asks for authorization on the first packet, keeps DNS-resource NAT agreed with the
 * gateways, and enforces filters locally. The connection layer is abstracted: packets for a gateway come out of
 * {@link #pollGatewayTransmit()}, and the shell reports {@link #handleConnectionEstablished} /
 * {@link #handleConnectionFailed}. It composes the parts cut along their own seams: {@link DnsForwarding} answers
 * and forwards the queries sent to the sentinels, {@link DnsResourceNat} agrees proxy IPs with each gateway, and
 * {@link GatewayConnection} holds packets until a gateway's connection is up.
 *
 * <p>Wiring with {@code dev.flint.connlib.peer.PeerNode} (gateway id = connection id): transmits go through
 * {@code encapsulate}; {@code DecryptedPacket}s into {@link #handleGatewayPacket}; {@code ConnectionEstablished} /
 * {@code ConnectionFailed} events into the two handlers above; {@link ClientEvent.CloseConnection} to
 * {@code closeConnection}; the portal's {@code authorization_created} to both {@code upsertConnection} and
 * {@link #handlePortalMessage}. {@code TunnelOverPeerTest} runs exactly this loop.
 */
public final class ClientState {
    public static final Duration REQUEST_INTERVAL = Duration.ofSeconds(2);
    public static final Duration SITE_DNS_TIMEOUT = Duration.ofSeconds(10);
    static final int AUTHORIZATION_BUFFER = 128;
    static final IpPrefix DEFAULT_V4 = IpPrefix.parse("0.0.0.0/0");
    static final IpPrefix DEFAULT_V6 = IpPrefix.parse("::/0");

    private final ProxyIpAllocator allocator;

    private Interface iface;
    private List<InetAddress> systemResolvers = List.of();
    private final LinkedHashMap<UUID, Resource> resources = new LinkedHashMap<>();
    private boolean internetActive;

    private final Map<UUID, GatewayConnection> gateways = new HashMap<>();
    private final Map<UUID, UUID> gatewayByResource = new HashMap<>();
    /** Resources asked for again after losing their connection, until it is back. */
    private final LostResources lostResources = new LostResources();
    /** When a gateway's refusal last made a resource be asked for again (see {@link #refusedByGateway}). */
    private final Map<UUID, Instant> reaskedOnRefusal = new HashMap<>();
    static final Duration REASK_ON_REFUSAL_AFTER = Duration.ofSeconds(30);
    private final Map<UUID, PendingAuthorization> pendingAuthorizations = new HashMap<>();
    /** The latest failure per resource since its last authorization; only for {@link #resourceStates()}. */
    private final Map<UUID, FailureRecord> failures = new HashMap<>();

    /** Verdicts of the slow path the data path reuses: the gateway of an outbound flow, an inbound flow let in. */
    private final FlowCache<UUID> outboundFlows = new FlowCache<>(FlowCache.Side.DESTINATION);
    private final FlowCache<Boolean> inboundFlows = new FlowCache<>(FlowCache.Side.SOURCE);
    private byte[] ourIpv4 = new byte[0];
    private byte[] ourIpv6 = new byte[0];

    private final ArrayDeque<byte[]> tunOut = new ArrayDeque<>();
    private final ArrayDeque<GatewayTransmit> gatewayOut = new ArrayDeque<>();
    private final ArrayDeque<ClientEvent> events = new ArrayDeque<>();
    private TunConfig lastTunConfig;
    private List<Resource> lastResources;
    private final Counters counters = new Counters();
    private final DnsForwarding dns;
    private final DnsResourceNat dnsNat;

    public ClientState(ProxyIpAllocator allocator, RandomGenerator random) {
        this.allocator = allocator;
        this.dns = new DnsForwarding(allocator, random, tunOut, events, counters, new DnsClient());
        this.dnsNat = new DnsResourceNat(allocator, this::forgetFlows);
    }

    // ------------------------------------------------------------------ control inputs

    public void setInterface(Interface iface) {
        this.iface = Objects.requireNonNull(iface);
        ourIpv4 = iface.ipv4().getAddress();
        ourIpv6 = iface.ipv6().getAddress();
        forgetFlows();
        updateSentinels();
        publish();
    }

    /** The OS resolvers, used when the portal configures none. */
    public void setSystemResolvers(List<InetAddress> resolvers) {
        forgetFlows();
        this.systemResolvers = List.copyOf(resolvers);
        updateSentinels();
        publish();
    }

    /** Replaces the resource set (portal {@code init}). Device pools are ignored. */
    public void setResources(List<Resource> list, Instant now) {
        Map<UUID, Resource> incoming = new LinkedHashMap<>();
        for (Resource r : list) {
            if (isSupported(r)) {
                incoming.put(r.id(), r);
            }
        }
        for (UUID id : List.copyOf(resources.keySet())) {
            if (!incoming.containsKey(id)) {
                removeResource(id, now);
            }
        }
        for (Resource r : incoming.values()) {
            upsertResource(r, now);
        }
        publish();
    }

    public void upsertResource(Resource r, Instant now) {
        forgetFlows();
        if (!isSupported(r)) {
            return;
        }
        Resource old = resources.get(r.id());
        if (old != null && !sameAddressing(old, r)) {
            removeResource(r.id(), now);
        }
        resources.put(r.id(), r);
        refreshStub();
        publish();
    }

    public void removeResource(UUID id, Instant now) {
        forgetFlows();
        Resource old = resources.remove(id);
        if (old == null) {
            return;
        }
        forgetAuthorization(id);
        pendingAuthorizations.remove(id);
        failures.remove(id);
        refreshStub();
        publish();
    }

    /** The user's toggle; routes 0/0 only while on and the portal lists an Internet Resource. */
    public void setInternetResourceActive(boolean active, Instant now) {
        forgetFlows();
        if (internetActive == active) {
            return;
        }
        internetActive = active;
        if (!active) {
            internetResource().ifPresent(r -> {
                forgetAuthorization(r.id());
                pendingAuthorizations.remove(r.id());
            });
        }
        publish();
    }

    // ------------------------------------------------------------------ portal inputs

    /**
     * Applies the portal messages this layer owns; relays, ICE candidates and client-to-client events belong to the
     * connection layer and are ignored here. Returns whether the message was for this layer.
     */
    public boolean handlePortalMessage(PortalToClient message, Instant now) {
        switch (message) {
            case PortalToClient.Init init -> {
                boolean moved = movesAddresses(init.iface());
                setInterface(init.iface());
                setResources(init.resources(), now);
                if (moved) {
                    reconnectEveryGateway(now);
                }
            }
            case PortalToClient.ConfigChanged c -> {
                boolean moved = movesAddresses(c.iface());
                setInterface(c.iface());
                if (moved) {
                    reconnectEveryGateway(now);
                }
            }
            case PortalToClient.ResourceCreatedOrUpdated u -> upsertResource(u.resource(), now);
            case PortalToClient.ResourceDeleted d -> removeResource(d.id(), now);
            case PortalToClient.AuthorizationCreated a -> handleAuthorizationCreated(a.resourceId(), a.siteId(),
                    a.gatewayId(), a.gatewayIpv4(), a.gatewayIpv6(), now);
            case PortalToClient.AuthorizationCreationFailed f -> {
                handleAuthorizationFailed(f.resourceId(), now);
                if (f.kind() == FailureReason.OFFLINE) {
                    lostResources.offline(f.resourceId(), now); // a restarting gateway: ask again soon
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean movesAddresses(Interface next) {
        return iface != null && (!iface.ipv4().equals(next.ipv4()) || !iface.ipv6().equals(next.ipv6()));
    }

    /**
     * The portal gave this client other tunnel addresses: gateways know a client and check its packets by the
     * addresses they were told in its authorization, so every connection says goodbye and its resources are asked for
     * again, which tells each gateway the new ones.
     */
    private void reconnectEveryGateway(Instant now) {
        for (GatewayConnection g : List.copyOf(gateways.values())) {
            if (g.established()) {
                g.send(new P2pControlEvent.Goodbye().encode());
            }
            events.add(new ClientEvent.CloseConnection(g.id));
            loseGateway(g.id, null, now);
        }
    }

    /** The portal's {@code authorization_created}; the shell also sets up the connection to the gateway. */
    public void handleAuthorizationCreated(UUID resourceId, UUID siteId, UUID gatewayId, Inet4Address gatewayIpv4,
                                           Inet6Address gatewayIpv6, Instant now) {
        forgetFlows();
        if (!resources.containsKey(resourceId)) {
            return;
        }
        GatewayConnection g = gateways.computeIfAbsent(gatewayId,
                id -> new GatewayConnection(id, gatewayIpv4, gatewayIpv6, gatewayOut));
        failures.remove(resourceId);
        UUID previous = gatewayByResource.put(resourceId, gatewayId);
        if (g.established()) {
            lostResources.found(resourceId); // authorized onto a connection that is already up: nothing is lost
        }
        if (previous != null && !previous.equals(gatewayId)) {
            dnsNat.forget(previous, resourceId);
        }
        PendingAuthorization pending = pendingAuthorizations.remove(resourceId);
        if (pending != null) {
            for (byte[] p : pending.packets.drain()) {
                if (IpPacket.parse(p) instanceof ParseResult.Parsed(IpPacket packet)) {
                    routeOutbound(packet, now);
                }
            }
            for (PendingSiteDns q : pending.dnsQueries) {
                dns.forwardToSite(g, q.source(), q.query(), now);
            }
        }
    }

    /** {@code authorization_creation_failed}: drop the pending request and what it buffered. */
    public void handleAuthorizationFailed(UUID resourceId, Instant now) {
        pendingAuthorizations.remove(resourceId);
        if (resources.containsKey(resourceId)) {
            failures.put(resourceId, new FailureRecord(ResourceState.Failure.AUTHORIZATION_FAILED, now));
        }
    }

    // ------------------------------------------------------------------ connection-layer inputs

    public void handleConnectionEstablished(UUID gatewayId, Instant now) {
        GatewayConnection g = gateways.get(gatewayId);
        if (g != null) {
            resourcesOf(gatewayId).forEach(lostResources::found);
            g.establish();
        }
    }

    /**
     * The portal channel was joined (again). Requests made while it was away went nowhere (a channel that is not
     * joined drops what it is given), so every authorization still waiting is asked for again at once.
     */
    public void requestAuthorizationsAgain(Instant now) {
        pendingAuthorizations.forEach((id, pending) -> {
            if (resources.containsKey(id)) {
                pending.lastRequested = null;
                requestAuthorization(id, pending, now);
            }
        });
    }

    /**
     * The connection failed (ICE/WireGuard gave up, or a reset closed it): forget the gateway and ask for its
     * resources again ({@link #askAgain}).
     */
    public void handleConnectionFailed(UUID gatewayId, Instant now) {
        Set<UUID> lost = resourcesOf(gatewayId);
        lost.forEach(resource -> failures.put(resource, new FailureRecord(ResourceState.Failure.CONNECTION_FAILED, now)));
        forgetGateway(gatewayId);
        askAgain(lost, now);
    }

    /**
     * The portal authorized {@code resource} on a gateway this client had a connection to, but with another key or
     * other credentials: a new instance of the gateway (restarted), which knows none of the grants the old one held.
     * The old connection's state goes and its other resources are asked for again, as after a goodbye; the shell
     * replaces the connection itself.
     */
    public void handleGatewayReplaced(UUID gatewayId, UUID resource, Instant now) {
        loseGateway(gatewayId, resource, now);
    }

    /** Forgets the gateway and asks again for the resources it held, except {@code keep} (null: none). */
    private void loseGateway(UUID gatewayId, UUID keep, Instant now) {
        Set<UUID> lost = resourcesOf(gatewayId);
        lost.remove(keep);
        forgetGateway(gatewayId);
        askAgain(lost, now);
    }

    private Set<UUID> resourcesOf(UUID gatewayId) {
        Set<UUID> out = new HashSet<>();
        gatewayByResource.forEach((resource, gateway) -> {
            if (gateway.equals(gatewayId)) {
                out.add(resource);
            }
        });
        return out;
    }

    /**
     * Resources whose connection went away are asked for again at once, and again while the portal says their
     * gateways are offline ({@link LostResources}), not only on their next packet: a download sends none.
     */
    private void askAgain(Set<UUID> lost, Instant now) {
        for (UUID id : lost) {
            if (resources.containsKey(id) && !gatewayByResource.containsKey(id) && lostResources.lost(id, now)) {
                requestAuthorization(id, pendingAuthorizations.computeIfAbsent(id, k -> new PendingAuthorization()), now);
            }
        }
    }

    /** A decrypted packet from a gateway. */
    public void handleGatewayPacket(UUID gatewayId, byte[] bytes, Instant now) {
        GatewayConnection g = gateways.get(gatewayId);
        if (g == null) {
            counters.droppedFromUnknownGateway++;
            return;
        }
        IpPacket p;
        switch (IpPacket.parse(bytes)) {
            case ParseResult.Parsed(IpPacket packet) -> p = packet;
            case ParseResult.Malformed m -> {
                counters.malformedGatewayPackets++;
                return;
            }
        }
        if (p.isP2pControl()) {
            handleControl(g, p, now);
            return;
        }
        if (iface == null || !(p.destination().equals(iface.ipv4()) || p.destination().equals(iface.ipv6()))) {
            counters.droppedInboundNotForUs++;
            return;
        }
        InetAddress src = p.source();
        if (g.isAddress(src)) {
            if (dns.handleSiteResponse(g, p)) {
                return;
            }
            tunOut.add(p.bytes());
            return;
        }
        if (!isAllowedSource(g, src)) {
            counters.droppedInboundSource++;
            return;
        }
        if (p.isIcmpError() && refusedByGateway(g, p, now)) {
            return;
        }
        if (dns.handleTunnelResponse(p)) {
            return;
        }
        if (!(p.isUdp() && p.sourcePort() == 53)) {
            inboundFlows.put(p.bytes(), g.id, Boolean.TRUE);
        }
        tunOut.add(p.bytes());
    }

    /**
     * The gateway refused a packet to a resource this client holds an authorization for on it ("administratively
     * prohibited", quoting the packet, from the address it was sent to): the gateway no longer knows the grant, as
     * after its restart while the connection survived (same keys, same ICE credentials). The resource is asked for
     * again and the refusal kept from the application, whose TCP retries once the gateway knows the grant: passed on,
     * it would end a connection being opened at once. Once per {@link #REASK_ON_REFUSAL_AFTER} and resource, so a
     * refusal that stands (a host of the resource network refusing) reaches the application.
     */
    private boolean refusedByGateway(GatewayConnection g, IpPacket icmp, Instant now) {
        boolean prohibited = icmp.isIpv4() ? icmp.icmpType() == 3 && icmp.icmpCode() == 13
            : icmp.icmpType() == 1 && icmp.icmpCode() == 1;
        if (!prohibited || !(icmp.icmpQuoted() instanceof ParseResult.Parsed(IpPacket quoted))
                || !quoted.destination().equals(icmp.source())) {
            return false;
        }
        Optional<Route> route = resolveRoute(quoted);
        if (route.isEmpty()) {
            return false;
        }
        UUID resource = route.get().resource().id();
        Instant last = reaskedOnRefusal.get(resource);
        if (!g.id.equals(gatewayByResource.get(resource))
                || last != null && now.isBefore(last.plus(REASK_ON_REFUSAL_AFTER))) {
            return false;
        }
        reaskedOnRefusal.put(resource, now);
        counters.refusalsReasked++;
        forgetFlows();
        gatewayByResource.remove(resource);
        dnsNat.forget(g.id, resource);
        requestAuthorization(resource, pendingAuthorization(resource), now);
        return true;
    }

    // ------------------------------------------------------------------ the data path's shortcuts

    /**
     * The gateway a packet read from the TUN device goes to, unchanged, when the slow path already decided so for its
     * flow (same destination, protocol and port, nothing changed since); null when the packet must take
     * {@link #handleTunInput}. Reads {@code length} bytes of {@code buffer} at {@code at}; allocates nothing.
     */
    public UUID gatewayOfFlow(ByteBuffer buffer, int at, int length) {
        if (iface == null || !sourceIsUs(buffer, at, length)) {
            return null;
        }
        return outboundFlows.get(buffer, at, length, null);
    }

    /**
     * Whether a packet decrypted from {@code gatewayId} goes to the TUN device unchanged because the slow path let its
     * flow in before (same source, protocol and port, addressed to us, nothing changed since); false when it must take
     * {@link #handleGatewayPacket}. DNS answers (UDP from port 53) always take the slow path: some are the answers of
     * queries the tunnel itself forwarded.
     */
    public boolean deliversFlow(UUID gatewayId, ByteBuffer buffer, int at, int length) {
        if (iface == null || !destinationIsUs(buffer, at, length) || isUdpFrom53(buffer, at, length)) {
            return false;
        }
        return inboundFlows.get(buffer, at, length, gatewayId) != null;
    }

    private void forgetFlows() {
        outboundFlows.invalidate();
        inboundFlows.invalidate();
    }

    private boolean sourceIsUs(ByteBuffer b, int at, int length) {
        int version = length < 1 ? 0 : (b.get(at) >> 4) & 0xF;
        return version == 4 ? length >= 20 && equalsAt(b, at + 12, ourIpv4)
            : version == 6 && length >= 40 && equalsAt(b, at + 8, ourIpv6);
    }

    private boolean destinationIsUs(ByteBuffer b, int at, int length) {
        int version = length < 1 ? 0 : (b.get(at) >> 4) & 0xF;
        return version == 4 ? length >= 20 && equalsAt(b, at + 16, ourIpv4)
            : version == 6 && length >= 40 && equalsAt(b, at + 24, ourIpv6);
    }

    private static boolean isUdpFrom53(ByteBuffer b, int at, int length) {
        int version = (b.get(at) >> 4) & 0xF;
        int protocol = version == 4 ? b.get(at + 9) & 0xFF : b.get(at + 6) & 0xFF;
        int l4 = version == 4 ? at + (b.get(at) & 0xF) * 4 : at + 40;
        return protocol == 17 && l4 + 2 <= at + length
            && (((b.get(l4) & 0xFF) << 8) | (b.get(l4 + 1) & 0xFF)) == 53;
    }

    private static boolean equalsAt(ByteBuffer b, int at, byte[] address) {
        for (int i = 0; i < address.length; i++) {
            if (b.get(at + i) != address[i]) {
                return false;
            }
        }
        return address.length > 0;
    }

    // ------------------------------------------------------------------ TUN input

    public void handleTunInput(byte[] bytes, Instant now) {
        IpPacket p;
        switch (IpPacket.parse(bytes)) {
            case ParseResult.Parsed(IpPacket packet) -> p = packet;
            case ParseResult.Malformed m -> {
                counters.malformedTunPackets++;
                return;
            }
        }
        if (iface == null) {
            counters.droppedNoRoute++;
            return;
        }
        if (p.isP2pControl()) {
            counters.droppedNoRoute++; // an application must never be able to speak the control protocol
            return;
        }
        InetAddress src = p.source();
        InetAddress dst = p.destination();
        if (!(src.equals(iface.ipv4()) || src.equals(iface.ipv6())) || dst.equals(iface.ipv4())
                || dst.equals(iface.ipv6()) || dst.isMulticastAddress()) {
            counters.droppedNoRoute++;
            return;
        }
        if (AddressPlan.isSentinel(dst)) {
            dns.handleSentinelPacket(p, now);
            return;
        }
        routeOutbound(p, now);
    }

    private void routeOutbound(IpPacket p, Instant now) {
        InetAddress dst = p.destination();
        for (GatewayConnection g : gateways.values()) {
            if (g.isAddress(dst)) {
                outboundFlows.put(p.bytes(), null, g.id);
                g.send(p.bytes());
                return;
            }
        }
        Optional<Route> route = resolveRoute(p);
        if (route.isEmpty()) {
            counters.droppedNoRoute++;
            return;
        }
        Route r = route.get();
        if (!FilterEngine.permits(filtersOf(r.resource()), p)) {
            tunOut.add(PacketBuilder.destinationUnreachable(p, UnreachableReason.PROHIBITED).bytes());
            return;
        }
        GatewayConnection g = connectionOf(r.resource().id());
        if (g == null) {
            PendingAuthorization pending = pendingAuthorization(r.resource().id());
            pending.packets.add(p.bytes());
            requestAuthorization(r.resource().id(), pending, now);
            return;
        }
        if (r.domain() != null) {
            if (dnsNat.send(g, (Resource.Dns) r.resource(), r.domain(), p.bytes(), now)) {
                outboundFlows.put(p.bytes(), null, g.id);
            }
        } else {
            outboundFlows.put(p.bytes(), null, g.id);
            g.send(p.bytes());
        }
    }

    /** Routing precedence (reference §5.2): proxy-IP table, then CIDR table, then the Internet Resource. */
    Optional<Route> resolveRoute(IpPacket p) {
        InetAddress dst = p.destination();
        if (AddressPlan.isProxy(dst)) {
            Optional<String> name = allocator.nameOf(dst);
            if (name.isEmpty()) {
                return Optional.empty();
            }
            // Only resources that serve the packet's family: the gateway only learns the proxy addresses of the
            // families a resource's ip_stack allows.
            boolean v4 = dst instanceof Inet4Address;
            List<Resource.Dns> candidates = new ArrayList<>();
            for (Resource r : resources.values()) {
                if (r instanceof Resource.Dns d && DomainPattern.of(d.address()).matches(name.get())
                        && (v4 ? d.effectiveIpStack() != IpStack.IPV6_ONLY : d.effectiveIpStack() != IpStack.IPV4_ONLY)) {
                    candidates.add(d);
                }
            }
            return pickByFilter(candidates, p).map(r -> new Route(r, name.get()));
        }
        List<Resource.Cidr> cidrs = new ArrayList<>();
        for (Resource r : resources.values()) {
            if (r instanceof Resource.Cidr c && prefixOf(c).contains(dst)) {
                cidrs.add(c);
            }
        }
        if (!cidrs.isEmpty()) {
            cidrs.sort(Comparator.<Resource.Cidr>comparingInt(c -> FilterEngine.permits(c.filters(), p) ? 0 : 1)
                    .thenComparingInt(c -> -c.address().prefixLength()).thenComparing(Resource::id));
            return Optional.of(new Route(cidrs.getFirst(), null));
        }
        if (internetActive && !AddressPlan.isTunnel(dst) && !isProxyRange(dst)) {
            return internetResource().map(r -> new Route(r, null));
        }
        return Optional.empty();
    }

    private static boolean isProxyRange(InetAddress a) {
        return AddressPlan.PROXY_V4.contains(a) || AddressPlan.PROXY_V6.contains(a);
    }

    private static <R extends Resource> Optional<Resource> pickByFilter(List<R> candidates, IpPacket p) {
        return candidates.stream()
                .sorted(Comparator.<R>comparingInt(r -> FilterEngine.permits(filtersOf(r), p) ? 0 : 1)
                        .thenComparing(Resource::id))
                .<Resource>map(r -> r).findFirst();
    }

    record Route(Resource resource, String domain) {}

    // ------------------------------------------------------------------ DNS (answered and forwarded by DnsForwarding)

    /** The result of an {@link ClientEvent.UpstreamDnsQuery}. */
    public void handleUpstreamResult(long queryId, UpstreamResult result, Instant now) {
        dns.handleUpstreamResult(queryId, result, now);
    }

    /**
     * Portal-configured resolvers are reached through the tunnel while the Internet Resource is on, or when a CIDR
     * resource covers the server and permits DNS over both UDP and TCP (reference §4.6).
     */
    private boolean recursesThroughTunnel(InetAddress server) {
        if (AddressPlan.isTunnel(server) || isProxyRange(server)) {
            return false;
        }
        if (internetActive && internetResource().isPresent()) {
            return true;
        }
        InetAddress me = server instanceof Inet4Address ? iface.ipv4() : iface.ipv6();
        IpPacket udp = PacketBuilder.udp(me, server, 49152, 53, new byte[0]);
        IpPacket tcp = PacketBuilder.tcp(me, server, 49152, 53, 0, 0, IpPacket.TCP_SYN, 0, new byte[0]);
        for (Resource r : resources.values()) {
            if (r instanceof Resource.Cidr c && prefixOf(c).contains(server) && FilterEngine.permits(c.filters(), udp)
                    && FilterEngine.permits(c.filters(), tcp)) {
                return true;
            }
        }
        return false;
    }

    /** The proxy IPs the stub resolver just handed out, agreed anew with every gateway that translates them. */
    private void refreshDnsNat(Resolution.Assigned assigned, Instant now) {
        for (DnsResource r : assigned.resources()) {
            GatewayConnection g = connectionOf(r.id());
            if (g != null) {
                dnsNat.reassigned(g, assigned.domain(), r.id(), now);
            }
        }
    }

    private void handleControl(GatewayConnection g, IpPacket p, Instant now) {
        if (!(P2pControlFrame.decode(p) instanceof P2pControlFrame.Result.Decoded(P2pControlFrame frame))) {
            counters.malformedControlPackets++;
            return;
        }
        switch (P2pControlEvent.decode(frame)) {
            case P2pControlEvent.Event(P2pControlEvent.DomainStatus(UUID res, String domain, boolean active)) ->
                    dnsNat.domainStatus(g, res, domain, active);
            case P2pControlEvent.Event(P2pControlEvent.Goodbye bye) -> {
                events.add(new ClientEvent.CloseConnection(g.id));
                loseGateway(g.id, null, now);
            }
            case P2pControlEvent.Event(P2pControlEvent.AssignedIps a) -> counters.malformedControlPackets++;
            case P2pControlEvent.UnknownType u -> counters.unknownControlEvents++;
            case P2pControlEvent.Malformed m -> counters.malformedControlPackets++;
        }
    }

    // ------------------------------------------------------------------ authorization and connections

    private PendingAuthorization pendingAuthorization(UUID resourceId) {
        return pendingAuthorizations.computeIfAbsent(resourceId, id -> new PendingAuthorization());
    }

    private void requestAuthorization(UUID resourceId, PendingAuthorization pending, Instant now) {
        if (pending.lastRequested != null && now.isBefore(pending.lastRequested.plus(REQUEST_INTERVAL))) {
            return;
        }
        pending.lastRequested = now;
        List<UUID> known = gateways.values().stream()
                .sorted(Comparator.<GatewayConnection>comparingInt(g -> g.established() ? 0 : 1)
                        .thenComparing(g -> g.id))
                .map(g -> g.id).toList();
        events.add(new ClientEvent.RequestAuthorization(resourceId, known));
    }

    /** Drops the resource's authorization; a gateway left with nothing gets a Goodbye and is closed. */
    private void forgetAuthorization(UUID resourceId) {
        forgetFlows();
        UUID gid = gatewayByResource.remove(resourceId);
        if (gid == null) {
            return;
        }
        dnsNat.forget(gid, resourceId);
        if (!gatewayByResource.containsValue(gid)) {
            GatewayConnection g = gateways.get(gid);
            if (g != null && g.established()) {
                g.send(new P2pControlEvent.Goodbye().encode());
            }
            forgetGateway(gid);
            events.add(new ClientEvent.CloseConnection(gid));
        }
    }

    private void forgetGateway(UUID gatewayId) {
        forgetFlows();
        gateways.remove(gatewayId);
        gatewayByResource.values().removeIf(gatewayId::equals);
        dnsNat.forgetGateway(gatewayId);
        dns.forgetGateway(gatewayId);
    }

    private boolean isAllowedSource(GatewayConnection g, InetAddress src) {
        for (Map.Entry<UUID, UUID> e : gatewayByResource.entrySet()) {
            if (!e.getValue().equals(g.id)) {
                continue;
            }
            Resource r = resources.get(e.getKey());
            boolean ok = switch (r) {
                case Resource.Cidr c -> prefixOf(c).contains(src);
                case Resource.Internet i -> true;
                case Resource.Dns d -> allocator.nameOf(src)
                        .map(n -> DomainPattern.of(d.address()).matches(n)).orElse(false);
                case null, default -> false;
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ timers and outputs

    public void handleTimeout(Instant now) {
        dns.handleTimeout(now);
        for (UUID id : lostResources.due(now)) {
            if (resources.containsKey(id) && !gatewayByResource.containsKey(id)) {
                requestAuthorization(id, pendingAuthorization(id), now);
            } else {
                lostResources.found(id);
            }
        }
    }

    public Instant pollTimeout() {
        Instant dnsDue = dns.pollTimeout();
        Instant retry = lostResources.nextRetry();
        return dnsDue == null ? retry : retry == null || dnsDue.isBefore(retry) ? dnsDue : retry;
    }

    public byte[] pollTunPacket() {
        return tunOut.poll();
    }

    public GatewayTransmit pollGatewayTransmit() {
        return gatewayOut.poll();
    }

    public ClientEvent pollEvent() {
        return events.poll();
    }

    public Counters counters() {
        return counters;
    }

    /** Current TUN configuration, or null before the interface is known. */
    public TunConfig tunConfig() {
        if (iface == null) {
            return null;
        }
        List<IpPrefix> routes = new ArrayList<>();
        for (Resource r : resources.values()) {
            if (r instanceof Resource.Cidr c) {
                routes.add(prefixOf(c));
            }
        }
        routes.add(AddressPlan.TUNNEL_V4);
        routes.add(AddressPlan.TUNNEL_V6);
        routes.add(AddressPlan.PROXY_V4);
        routes.add(AddressPlan.PROXY_V6);
        routes.add(AddressPlan.SENTINELS_V4);
        routes.add(AddressPlan.SENTINELS_V6);
        if (internetActive && internetResource().isPresent()) {
            routes.add(DEFAULT_V4);
            routes.add(DEFAULT_V6);
        }
        return new TunConfig(iface.ipv4(), iface.ipv6(), dns.sentinels(), iface.searchDomain(),
                routes.stream().distinct().toList());
    }

    public List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    public boolean internetResourceActive() {
        return internetActive;
    }

    /** The gateway a resource is currently authorized through. */
    public Optional<UUID> gatewayOf(UUID resourceId) {
        return Optional.ofNullable(gatewayByResource.get(resourceId));
    }

    /**
     * Every resource's authorization and connection state, in the resource list's order: which gateway serves
     * it and whether that connection is up, whether an authorization is pending, and the last failure.
     */
    public List<ResourceState> resourceStates() {
        List<ResourceState> out = new ArrayList<>();
        for (UUID id : resources.keySet()) {
            GatewayConnection g = connectionOf(id);
            FailureRecord f = failures.get(id);
            out.add(new ResourceState(id, g == null ? null : g.id, g != null && g.established(),
                    pendingAuthorizations.containsKey(id), f == null ? null : f.kind(), f == null ? null : f.at()));
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private void publish() {
        TunConfig c = tunConfig();
        if (c != null && !c.equals(lastTunConfig)) {
            lastTunConfig = c;
            events.add(new ClientEvent.TunConfigChanged(c));
        }
        List<Resource> rs = resources();
        if (!rs.equals(lastResources)) {
            lastResources = rs;
            events.add(new ClientEvent.ResourcesChanged(rs));
        }
    }

    private void updateSentinels() {
        if (iface == null) {
            return;
        }
        dns.configure(iface, systemResolvers);
    }

    private void refreshStub() {
        dns.setResources(resources.values());
    }

    /** The gateway a resource is authorized through, or null. */
    private GatewayConnection connectionOf(UUID resourceId) {
        UUID gid = gatewayByResource.get(resourceId);
        return gid == null ? null : gateways.get(gid);
    }

    private Optional<Resource> internetResource() {
        return resources.values().stream().filter(r -> r instanceof Resource.Internet).findFirst();
    }

    private static boolean isSupported(Resource r) {
        return r instanceof Resource.Dns || r instanceof Resource.Cidr || r instanceof Resource.Internet;
    }

    /** Two descriptions route the same way (only name, description and filters differ). */
    private static boolean sameAddressing(Resource a, Resource b) {
        return switch (a) {
            case Resource.Dns x when b instanceof Resource.Dns y -> x.address().equals(y.address())
                    && x.effectiveIpStack() == y.effectiveIpStack() && x.sites().equals(y.sites());
            case Resource.Cidr x when b instanceof Resource.Cidr y -> x.address().equals(y.address())
                    && x.sites().equals(y.sites());
            case Resource.Internet x when b instanceof Resource.Internet y -> x.sites().equals(y.sites());
            default -> false;
        };
    }

    static List<Filter> filtersOf(Resource r) {
        return switch (r) {
            case Resource.Dns d -> d.filters();
            case Resource.Cidr c -> c.filters();
            default -> List.of();
        };
    }

    static IpPrefix prefixOf(Resource.Cidr c) {
        return c.address().network();
    }

    // ------------------------------------------------------------------ state records

    /** The client state as {@link DnsForwarding} sees it; a class of its own so ClientState's API stays as is. */
    private final class DnsClient implements DnsForwarding.Client {
        @Override
        public void assigned(Resolution.Assigned assigned, Instant now) {
            refreshDnsNat(assigned, now);
        }

        @Override
        public GatewayConnection connectionOf(UUID resourceId) {
            return ClientState.this.connectionOf(resourceId);
        }

        @Override
        public void awaitAuthorization(UUID resourceId, DnsQuerySource source, DnsMessage query, Instant now) {
            PendingAuthorization pending = pendingAuthorization(resourceId);
            pending.dnsQueries.add(new PendingSiteDns(source, query));
            requestAuthorization(resourceId, pending, now);
        }

        @Override
        public boolean recursesThroughTunnel(InetAddress server) {
            return ClientState.this.recursesThroughTunnel(server);
        }

        @Override
        public void routeOutbound(IpPacket packet, Instant now) {
            ClientState.this.routeOutbound(packet, now);
        }
    }

    private static final class PendingAuthorization {
        Instant lastRequested;
        final UniquePacketBuffer packets = new UniquePacketBuffer(AUTHORIZATION_BUFFER);
        final List<PendingSiteDns> dnsQueries = new ArrayList<>();
    }

    private record FailureRecord(ResourceState.Failure kind, Instant at) {}

    private record PendingSiteDns(DnsQuerySource source, DnsMessage query) {}

    /** Drop counters: every malformed or unroutable input is counted here instead of thrown. */
    public static final class Counters {
        long malformedTunPackets;
        long malformedDnsQueries;
        long malformedGatewayPackets;
        long malformedControlPackets;
        long malformedUpstreamResponses;
        long unknownControlEvents;
        long droppedNoRoute;
        long droppedInboundSource;
        long droppedInboundNotForUs;
        long droppedFromUnknownGateway;
        long refusalsReasked;

        public long malformedTunPackets() {
            return malformedTunPackets;
        }

        public long malformedDnsQueries() {
            return malformedDnsQueries;
        }

        public long malformedGatewayPackets() {
            return malformedGatewayPackets;
        }

        public long malformedControlPackets() {
            return malformedControlPackets;
        }

        public long droppedNoRoute() {
            return droppedNoRoute;
        }

        public long droppedInboundSource() {
            return droppedInboundSource;
        }

        /** Gateway refusals of an authorized resource that made the client ask for it again. */
        public long refusalsReasked() {
            return refusalsReasked;
        }

        @Override
        public String toString() {
            return "Counters[malformedTun=" + malformedTunPackets + ", malformedDns=" + malformedDnsQueries
                    + ", malformedGateway=" + malformedGatewayPackets + ", malformedControl="
                    + malformedControlPackets + ", noRoute=" + droppedNoRoute + ", badSource="
                    + droppedInboundSource + ", refusalsReasked=" + refusalsReasked + "]";
        }
    }
}
