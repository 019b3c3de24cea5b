package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DomainPattern;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.packet.UnreachableReason;
import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.PortalToGateway;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The gateway's side of the data plane, sans-IO (reference §5.3): per-client authorizations with expiry, filters,
 * DNS-resource NAT with ICMP error translation, the in-tunnel DNS server on port 53535 and the Internet Resource.
 * Packets from clients come in decrypted via {@link #handleClientPacket}; packets for the resource network go to
 * {@link #pollTunPacket()}, packets for clients to {@link #pollClientTransmit()}.
 */
public final class GatewayState {
    private static final List<IpPrefix> NOT_INTERNET = List.of(
            IpPrefix.parse("0.0.0.0/8"), IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("100.64.0.0/10"),
            IpPrefix.parse("127.0.0.0/8"), IpPrefix.parse("169.254.0.0/16"), IpPrefix.parse("172.16.0.0/12"),
            IpPrefix.parse("192.168.0.0/16"), IpPrefix.parse("224.0.0.0/4"), IpPrefix.parse("240.0.0.0/4"),
            IpPrefix.parse("::/128"), IpPrefix.parse("::1/128"), IpPrefix.parse("::ffff:0:0/96"), IpPrefix.parse("fc00::/7"),
            IpPrefix.parse("fe80::/10"), IpPrefix.parse("ff00::/8"));

    private final GatewayResolver resolver;
    private GatewayInterface iface;
    private final Map<UUID, ClientOnGateway> clients = new LinkedHashMap<>();
    private final Map<InetAddress, UUID> clientByIp = new HashMap<>();
    /** Verdicts of the slow path the data path reuses: a client's flow let out, a resource's reply and its client. */
    private final FlowCache<Boolean> clientFlows = new FlowCache<>(FlowCache.Side.DESTINATION);
    private final FlowCache<UUID> replyFlows = new FlowCache<>(FlowCache.Side.REPLY);
    private final ArrayDeque<byte[]> tunOut = new ArrayDeque<>();
    private final ArrayDeque<GatewayTransmit> clientOut = new ArrayDeque<>();
    private final ArrayDeque<GatewayEvent> events = new ArrayDeque<>();
    private final Counters counters = new Counters();

    public GatewayState(GatewayResolver resolver) {
        this.resolver = resolver;
    }

    // ------------------------------------------------------------------ portal inputs

    /**
     * Applies the portal messages this layer owns (the connection layer handles keys, ICE and relays from the same
     * messages). Returns whether the message was for this layer.
     */
    public boolean handlePortalMessage(PortalToGateway message, Instant now) {
        switch (message) {
            case PortalToGateway.Init init -> init(init.iface(), init.authorizations(), now);
            case PortalToGateway.CreateAuthorization a -> authorize(a.client().id(), a.client().ipv4(),
                    a.client().ipv6(), a.resource(), a.expiresAt(), now);
            case PortalToGateway.RejectAccess r -> rejectAccess(r.clientId(), r.resourceId(), now);
            case PortalToGateway.ResourceUpdated u -> updateResource(u.resource());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Portal {@code init}: sets the interface and keeps only the listed authorizations (with their new expiry). */
    public void init(GatewayInterface iface, List<Authorization> authorizations, Instant now) {
        forgetFlows();
        this.iface = iface;
        Map<UUID, Map<UUID, Instant>> keep = new HashMap<>();
        for (Authorization a : authorizations) {
            keep.computeIfAbsent(a.clientId(), k -> new HashMap<>()).put(a.resourceId(), a.expiresAt());
        }
        for (ClientOnGateway c : List.copyOf(clients.values())) {
            Map<UUID, Instant> listed = keep.getOrDefault(c.id, Map.of());
            for (UUID rid : List.copyOf(c.grants.keySet())) {
                if (listed.containsKey(rid)) {
                    c.grants.get(rid).expiresAt = listed.get(rid);
                } else {
                    revoke(c, rid);
                }
            }
            closeIfEmpty(c);
        }
    }

    /** Portal {@code create_authorization}: allow {@code resource} for the client until {@code expiresAt} (null = never). */
    public void authorize(UUID clientId, Inet4Address clientIpv4, Inet6Address clientIpv6, GatewayResource resource,
                          Instant expiresAt, Instant now) {
        forgetFlows();
        ClientOnGateway c = clients.get(clientId);
        if (c == null || !c.ipv4.equals(clientIpv4) || !c.ipv6.equals(clientIpv6)) {
            if (c != null) {
                clientByIp.remove(c.ipv4);
                clientByIp.remove(c.ipv6);
            }
            ClientOnGateway fresh = new ClientOnGateway(clientId, clientIpv4, clientIpv6);
            if (c != null) {
                fresh.grants.putAll(c.grants);
            }
            c = fresh;
            clients.put(clientId, c);
            clientByIp.put(clientIpv4, clientId);
            clientByIp.put(clientIpv6, clientId);
        }
        Grant old = c.grants.get(resource.id());
        if (old != null && !sameAddressing(old.resource, resource)) {
            revoke(c, resource.id());
        }
        c.grants.put(resource.id(), new Grant(resource, expiresAt));
    }

    /** Portal {@code reject_access}. */
    public void rejectAccess(UUID clientId, UUID resourceId, Instant now) {
        forgetFlows();
        ClientOnGateway c = clients.get(clientId);
        if (c == null) {
            return;
        }
        revoke(c, resourceId);
        closeIfEmpty(c);
    }

    /** Portal {@code resource_updated}: new filters for every client holding the resource. */
    public void updateResource(GatewayResource resource) {
        forgetFlows();
        for (ClientOnGateway c : clients.values()) {
            Grant g = c.grants.get(resource.id());
            if (g != null && sameAddressing(g.resource, resource)) {
                g.resource = resource;
            }
        }
    }

    /** Portal {@code access_authorization_expiry_updated}: the grant lasts until {@code expiresAt} (null: no end). */
    public void updateExpiry(UUID clientId, UUID resourceId, Instant expiresAt) {
        ClientOnGateway c = clients.get(clientId);
        Grant g = c == null ? null : c.grants.get(resourceId);
        if (g != null) {
            g.expiresAt = expiresAt;
        }
    }

    /** The connection failed: authorizations stay (the client may come back with the same state). */
    public void handleConnectionFailed(UUID clientId, Instant now) {}

    // ------------------------------------------------------------------ client → resource

    public void handleClientPacket(UUID clientId, byte[] bytes, Instant now) {
        ClientOnGateway c = clients.get(clientId);
        if (c == null) {
            counters.droppedUnknownClient++;
            return;
        }
        IpPacket p;
        switch (IpPacket.parse(bytes)) {
            case ParseResult.Parsed(IpPacket packet) -> p = packet;
            case ParseResult.Malformed m -> {
                counters.malformedClientPackets++;
                return;
            }
        }
        if (p.isP2pControl()) {
            handleControl(c, p, now);
            return;
        }
        if (p.isIcmpError()) {
            counters.droppedClientIcmpErrors++;
            return;
        }
        InetAddress src = p.source();
        InetAddress dst = p.destination();
        if (!src.equals(c.ipv4) && !src.equals(c.ipv6)) {
            counters.droppedSpoofed++;
            return;
        }
        if (iface != null && (dst.equals(iface.ipv4()) || dst.equals(iface.ipv6()))) {
            handleLocal(c, p, now);
            return;
        }
        if (AddressPlan.isTunnel(dst)) {
            counters.droppedTunnelDestination++;
            return;
        }
        if (AddressPlan.PROXY_V4.contains(dst) || AddressPlan.PROXY_V6.contains(dst)) {
            translateDnsResource(c, p, now);
            return;
        }
        Grant cidr = longestCidr(c, dst);
        if (cidr != null) {
            if (!FilterEngine.permits(filters(cidr.resource), p)) {
                reject(c, p, UnreachableReason.PROHIBITED);
                return;
            }
            clientFlows.put(p.bytes(), c.id, Boolean.TRUE);
            tunOut.add(p.bytes());
            return;
        }
        if (internetGrant(c) != null) {
            if (NOT_INTERNET.stream().anyMatch(n -> n.contains(dst))) {
                reject(c, p, UnreachableReason.NETWORK_UNREACHABLE);
                return;
            }
            clientFlows.put(p.bytes(), c.id, Boolean.TRUE);
            tunOut.add(p.bytes());
            return;
        }
        reject(c, p, UnreachableReason.PROHIBITED);
    }

    private void translateDnsResource(ClientOnGateway c, IpPacket p, Instant now) {
        DnsAssignment a = c.dns.get(p.destination());
        if (a == null) {
            // No authorization of this client stands for the proxy address any more (it expired or was revoked while
            // others keep the connection up): refused, which makes the client ask for the resource again.
            reject(c, p, UnreachableReason.PROHIBITED);
            return;
        }
        // Several resources of the client may cover the name (different filters): any of them may permit.
        boolean permitted = false;
        for (UUID rid : a.resources) {
            Grant g = c.grants.get(rid);
            if (g != null && FilterEngine.permits(filters(g.resource), p)) {
                permitted = true;
                break;
            }
        }
        if (!permitted) {
            reject(c, p, UnreachableReason.PROHIBITED);
            return;
        }
        if (a.realIp == null || !(p.hasPorts() || p.isIcmpEcho())) {
            reject(c, p, UnreachableReason.NETWORK_UNREACHABLE);
            return;
        }
        int sessions = c.nat.size();
        NatTable.Outside outside = c.nat.translateOutbound(p, a.realIp, now);
        if (c.nat.size() != sessions) {
            forgetFlows(); // replies of the new session must be translated back, whatever a flow did before
        }
        if (outside == null) {
            counters.natExhausted++;
            return;
        }
        tunOut.add(p.bytes());
    }

    private void handleLocal(ClientOnGateway c, IpPacket p, Instant now) {
        if (!p.isUdp() || p.destinationPort() != AddressPlan.GATEWAY_DNS_PORT) {
            counters.droppedLocal++;
            return;
        }
        byte[] query = p.payload();
        if (!(DnsCodec.decode(query) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage q)) || q.isResponse()) {
            counters.malformedDnsQueries++;
            return;
        }
        byte[] answer = resolver.forward(query)
                .orElseGet(() -> DnsCodec.encode(q.respond(dev.flint.connlib.dns.Rcode.SERVFAIL, List.of())));
        byte[] sized = DnsCodec.decode(answer) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)
                ? DnsCodec.encode(m.withId(q.id()), DnsCodec.MAX_UDP_PAYLOAD) : answer;
        clientOut.add(new GatewayTransmit(c.id, PacketBuilder.udp(p.destination(), p.source(),
                AddressPlan.GATEWAY_DNS_PORT, p.sourcePort(), sized).bytes()));
    }

    private void reject(ClientOnGateway c, IpPacket p, UnreachableReason reason) {
        counters.rejected++;
        clientOut.add(new GatewayTransmit(c.id, PacketBuilder.destinationUnreachable(p, reason).bytes()));
    }

    // ------------------------------------------------------------------ p2p control

    private void handleControl(ClientOnGateway c, IpPacket p, Instant now) {
        if (!(P2pControlFrame.decode(p) instanceof P2pControlFrame.Result.Decoded(P2pControlFrame frame))) {
            counters.malformedControlPackets++;
            return;
        }
        switch (P2pControlEvent.decode(frame)) {
            case P2pControlEvent.Event(P2pControlEvent.AssignedIps a) -> {
                boolean active = assign(c, a);
                sendControl(c, new P2pControlEvent.DomainStatus(a.resource(), a.domain(), active));
            }
            case P2pControlEvent.Event(P2pControlEvent.Goodbye g) -> events.add(new GatewayEvent.CloseConnection(c.id));
            case P2pControlEvent.Event(P2pControlEvent.DomainStatus d) -> counters.malformedControlPackets++;
            case P2pControlEvent.UnknownType u -> counters.unknownControlEvents++;
            case P2pControlEvent.Malformed m -> counters.malformedControlPackets++;
        }
    }

    private boolean assign(ClientOnGateway c, P2pControlEvent.AssignedIps a) {
        Grant g = c.grants.get(a.resource());
        if (g == null || !(g.resource instanceof GatewayResource.Dns dns)
                || !DomainPattern.of(dns.address()).matches(a.domain())) {
            return false;
        }
        String domain = a.domain().toLowerCase(Locale.ROOT);
        for (InetAddress proxy : a.proxyIps()) {
            if (!AddressPlan.isProxy(proxy)) {
                return false;
            }
            DnsAssignment existing = c.dns.get(proxy);
            if (existing != null && !existing.domain.equals(domain)) {
                // The client re-used a proxy address for another name (it restarted): start over.
                c.dns.clear();
                c.nat.clear();
                break;
            }
        }
        List<InetAddress> resolved = resolver.resolve(domain);
        List<InetAddress> v4 = resolved.stream().filter(x -> x instanceof Inet4Address).toList();
        List<InetAddress> v6 = resolved.stream().filter(x -> x instanceof Inet6Address).toList();
        int i4 = 0;
        int i6 = 0;
        for (InetAddress proxy : a.proxyIps()) {
            List<InetAddress> family = proxy instanceof Inet4Address ? v4 : v6;
            int idx = proxy instanceof Inet4Address ? i4++ : i6++;
            InetAddress real = family.isEmpty() ? null : family.get(idx % family.size());
            DnsAssignment existing = c.dns.get(proxy);
            Set<UUID> owners = new HashSet<>(existing == null ? Set.of() : existing.resources);
            owners.add(a.resource());
            c.dns.put(proxy, new DnsAssignment(owners, domain, real));
        }
        return true;
    }

    private void sendControl(ClientOnGateway c, P2pControlEvent e) {
        clientOut.add(new GatewayTransmit(c.id, e.encode()));
    }

    // ------------------------------------------------------------------ resource → client

    public void handleTunInput(byte[] bytes, Instant now) {
        IpPacket p;
        switch (IpPacket.parse(bytes)) {
            case ParseResult.Parsed(IpPacket packet) -> p = packet;
            case ParseResult.Malformed m -> {
                counters.malformedTunPackets++;
                return;
            }
        }
        UUID cid = clientByIp.get(p.destination());
        ClientOnGateway c = cid == null ? null : clients.get(cid);
        if (c == null) {
            counters.droppedUnknownClient++;
            return;
        }
        InetAddress src = p.source();
        if (iface != null && (src.equals(iface.ipv4()) || src.equals(iface.ipv6()))) {
            clientOut.add(new GatewayTransmit(c.id, p.bytes()));
            return;
        }
        if (p.isIcmpError()) {
            translateIcmpError(c, p, now);
            return;
        }
        if (c.nat.translateInbound(p, now).isPresent()) {
            clientOut.add(new GatewayTransmit(c.id, p.bytes()));
            return;
        }
        if (AddressPlan.isTunnel(src)) {
            counters.droppedInbound++;
            return;
        }
        for (Grant g : c.grants.values()) {
            boolean ok = switch (g.resource) {
                case GatewayResource.Cidr cidr -> prefix(cidr).contains(src) && permitsReply(cidr.filters(), p);
                case GatewayResource.Internet i -> true;
                case GatewayResource.Dns d -> false;
            };
            if (ok) {
                replyFlows.put(p.bytes(), null, c.id);
                clientOut.add(new GatewayTransmit(c.id, p.bytes()));
                return;
            }
        }
        counters.droppedInbound++;
    }

    // ------------------------------------------------------------------ the data path's shortcuts

    /**
     * Whether a packet decrypted from {@code clientId} goes to the resource network unchanged because the slow path
     * let its flow out before (same destination, protocol and port, from the client's own address, nothing changed
     * since); false when it must take {@link #handleClientPacket}. Allocates nothing.
     */
    public boolean forwardsFlow(UUID clientId, ByteBuffer buffer, int at, int length) {
        ClientOnGateway c = clients.get(clientId);
        return c != null && sourceIs(buffer, at, length, c) && clientFlows.get(buffer, at, length, clientId) != null;
    }

    /**
     * The client a packet from the resource network goes to unchanged because the slow path passed its flow before
     * (same client address, source, protocol and port, nothing changed since); null when it must take
     * {@link #handleTunInput}. Allocates nothing.
     */
    public UUID clientOfFlow(ByteBuffer buffer, int at, int length) {
        return replyFlows.get(buffer, at, length, null);
    }

    private void forgetFlows() {
        clientFlows.invalidate();
        replyFlows.invalidate();
    }

    private static boolean sourceIs(ByteBuffer b, int at, int length, ClientOnGateway c) {
        int version = length < 1 ? 0 : (b.get(at) >> 4) & 0xF;
        byte[] address = version == 4 ? c.ipv4Bytes : c.ipv6Bytes;
        int from = version == 4 ? at + 12 : at + 8;
        if ((version != 4 || length < 20) && (version != 6 || length < 40)) {
            return false;
        }
        for (int i = 0; i < address.length; i++) {
            if (b.get(from + i) != address[i]) {
                return false;
            }
        }
        return true;
    }

    private void translateIcmpError(ClientOnGateway c, IpPacket p, Instant now) {
        if (!(p.icmpQuoted() instanceof ParseResult.Parsed(IpPacket quoted))) {
            counters.droppedInbound++;
            return;
        }
        Optional<NatTable.Inside> inside = (quoted.hasPorts() || quoted.isIcmpEcho())
                ? c.nat.lookupOutside(quoted.protocol(), quoted.sourceL4Id(), quoted.destination(), now)
                : Optional.empty();
        if (inside.isEmpty()) {
            clientOut.add(new GatewayTransmit(c.id, p.bytes()));
            return;
        }
        IpPacket q = quoted.copy();
        q.setDestination(inside.get().proxyIp());
        if (q.sourceL4Id() != inside.get().l4Id()) {
            q.setSourceL4Id(inside.get().l4Id());
        }
        byte[] b = p.bytes();
        int off = p.transportOffset();
        int rest = ((b[off + 4] & 0xFF) << 24) | ((b[off + 5] & 0xFF) << 16) | ((b[off + 6] & 0xFF) << 8)
                | (b[off + 7] & 0xFF);
        IpPacket rebuilt = PacketBuilder.icmpError(inside.get().proxyIp(), p.destination(), p.icmpType(), p.icmpCode(),
                rest, q.bytes());
        clientOut.add(new GatewayTransmit(c.id, rebuilt.bytes()));
    }

    private static boolean permitsReply(List<Filter> filters, IpPacket p) {
        if (filters.isEmpty()) {
            return true;
        }
        for (Filter f : filters) {
            boolean ok = switch (f) {
                case Filter.Tcp(int s, int e) -> p.isTcp() && p.sourcePort() >= s && p.sourcePort() <= e;
                case Filter.Udp(int s, int e) -> p.isUdp() && p.sourcePort() >= s && p.sourcePort() <= e;
                case Filter.Icmp i -> p.isIcmp();
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ timers and outputs

    public void handleTimeout(Instant now) {
        for (ClientOnGateway c : List.copyOf(clients.values())) {
            for (Map.Entry<UUID, Grant> e : List.copyOf(c.grants.entrySet())) {
                Instant exp = e.getValue().expiresAt;
                if (exp != null && !now.isBefore(exp)) {
                    revoke(c, e.getKey());
                }
            }
            c.nat.expire(now);
            closeIfEmpty(c);
        }
    }

    public Instant pollTimeout() {
        Instant t = null;
        for (ClientOnGateway c : clients.values()) {
            for (Grant g : c.grants.values()) {
                t = min(t, g.expiresAt);
            }
            t = min(t, c.nat.nextExpiry());
        }
        return t;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    public byte[] pollTunPacket() {
        return tunOut.poll();
    }

    public GatewayTransmit pollClientTransmit() {
        return clientOut.poll();
    }

    public GatewayEvent pollEvent() {
        return events.poll();
    }

    public Counters counters() {
        return counters;
    }

    /** Resources the client is currently allowed to reach. */
    public Set<UUID> authorizedResources(UUID clientId) {
        ClientOnGateway c = clients.get(clientId);
        return c == null ? Set.of() : new HashSet<>(c.grants.keySet());
    }

    public int natSessions(UUID clientId) {
        ClientOnGateway c = clients.get(clientId);
        return c == null ? 0 : c.nat.size();
    }

    // ------------------------------------------------------------------ helpers

    private void revoke(ClientOnGateway c, UUID resourceId) {
        forgetFlows();
        if (c.grants.remove(resourceId) == null) {
            return;
        }
        for (Map.Entry<InetAddress, DnsAssignment> e : List.copyOf(c.dns.entrySet())) {
            DnsAssignment a = e.getValue();
            if (a.resources.contains(resourceId)) {
                Set<UUID> rest = new HashSet<>(a.resources);
                rest.remove(resourceId);
                if (rest.isEmpty()) {
                    c.dns.remove(e.getKey());
                } else {
                    c.dns.put(e.getKey(), new DnsAssignment(rest, a.domain, a.realIp));
                }
            }
        }
    }

    private void closeIfEmpty(ClientOnGateway c) {
        forgetFlows();
        if (!c.grants.isEmpty()) {
            return;
        }
        sendControl(c, new P2pControlEvent.Goodbye());
        events.add(new GatewayEvent.CloseConnection(c.id));
        clients.remove(c.id);
        clientByIp.remove(c.ipv4);
        clientByIp.remove(c.ipv6);
    }

    private static Grant longestCidr(ClientOnGateway c, InetAddress dst) {
        Grant best = null;
        int bestLen = -1;
        for (Grant g : c.grants.values()) {
            if (g.resource instanceof GatewayResource.Cidr cidr && prefix(cidr).contains(dst)
                    && cidr.address().prefixLength() > bestLen) {
                best = g;
                bestLen = cidr.address().prefixLength();
            }
        }
        return best;
    }

    private static Grant internetGrant(ClientOnGateway c) {
        return c.grants.values().stream().filter(g -> g.resource instanceof GatewayResource.Internet).findFirst()
                .orElse(null);
    }

    private static IpPrefix prefix(GatewayResource.Cidr c) {
        return c.address().network();
    }

    private static List<Filter> filters(GatewayResource r) {
        return switch (r) {
            case GatewayResource.Dns d -> d.filters();
            case GatewayResource.Cidr c -> c.filters();
            case GatewayResource.Internet i -> List.of();
        };
    }

    private static boolean sameAddressing(GatewayResource a, GatewayResource b) {
        return switch (a) {
            case GatewayResource.Dns x when b instanceof GatewayResource.Dns y -> x.address().equals(y.address());
            case GatewayResource.Cidr x when b instanceof GatewayResource.Cidr y -> x.address().equals(y.address());
            case GatewayResource.Internet x when b instanceof GatewayResource.Internet y -> true;
            default -> false;
        };
    }

    private static final class Grant {
        GatewayResource resource;
        Instant expiresAt;

        Grant(GatewayResource resource, Instant expiresAt) {
            this.resource = resource;
            this.expiresAt = expiresAt;
        }
    }

    /** A proxy address of the client: its name, the real address it maps to, and the resources that assigned it. */
    private record DnsAssignment(Set<UUID> resources, String domain, InetAddress realIp) {
        DnsAssignment {
            resources = Set.copyOf(resources);
        }
    }

    private static final class ClientOnGateway {
        final UUID id;
        final Inet4Address ipv4;
        final Inet6Address ipv6;
        final Map<UUID, Grant> grants = new LinkedHashMap<>();
        final Map<InetAddress, DnsAssignment> dns = new HashMap<>();
        final NatTable nat = new NatTable();

        final byte[] ipv4Bytes;
        final byte[] ipv6Bytes;

        ClientOnGateway(UUID id, Inet4Address ipv4, Inet6Address ipv6) {
            this.id = id;
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
            this.ipv4Bytes = ipv4.getAddress();
            this.ipv6Bytes = ipv6.getAddress();
        }
    }

    /** Drop counters. */
    public static final class Counters {
        long malformedClientPackets;
        long malformedTunPackets;
        long malformedControlPackets;
        long malformedDnsQueries;
        long unknownControlEvents;
        long droppedUnknownClient;
        long droppedClientIcmpErrors;
        long droppedSpoofed;
        long droppedTunnelDestination;
        long droppedLocal;
        long droppedInbound;
        long rejected;
        long natExhausted;

        public long malformedClientPackets() {
            return malformedClientPackets;
        }

        public long malformedTunPackets() {
            return malformedTunPackets;
        }

        public long droppedSpoofed() {
            return droppedSpoofed;
        }

        public long droppedInbound() {
            return droppedInbound;
        }

        public long rejected() {
            return rejected;
        }
    }
}
