package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsResource;
import dev.flint.connlib.dns.DomainPattern;
import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.Resolution;
import dev.flint.connlib.dns.SentinelMap;
import dev.flint.connlib.dns.StubResolver;
import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.Resource;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The DNS server behind the sentinel addresses (reference §4.3–§4.6): takes queries over UDP and TCP, lets the
 * {@link StubResolver} answer for DNS resources, and forwards the rest — to a resource's site through its gateway, to
 * a portal resolver through the tunnel, or to the upstream the shell reaches — answering each with the client's own
 * query id. Which resources and gateways exist, and how a packet is routed, stay with {@link ClientState}.
 */
final class DnsForwarding {
    /** What forwarding needs from the client state around it. */
    interface Client {
        /** The stub resolver handed out proxy IPs, which the gateways' DNS-resource NAT must agree on. */
        void assigned(Resolution.Assigned assigned, Instant now);

        /** The gateway a resource is authorized through, or null. */
        GatewayConnection connectionOf(UUID resourceId);

        /** A query for a resource's site that must wait until the resource is authorized. */
        void awaitAuthorization(UUID resourceId, DnsQuerySource source, DnsMessage query, Instant now);

        boolean recursesThroughTunnel(InetAddress server);

        /** Routes a packet from our tunnel address like any application packet. */
        void routeOutbound(IpPacket packet, Instant now);
    }

    private record PendingSiteQuery(UUID gateway, DnsQuerySource source, Instant expiresAt) {}

    private record PendingTunnelQuery(InetAddress server, DnsQuerySource source, Instant expiresAt) {}

    private final StubResolver stub;
    private final SentinelMap sentinels = new SentinelMap();
    private final SentinelTcpServer tcpDns;
    private final RandomGenerator random;
    private final Deque<byte[]> tunOut;
    private final Queue<ClientEvent> events;
    private final ClientState.Counters counters;
    private final Client client;

    private Interface iface;
    private final Map<Integer, PendingSiteQuery> siteQueries = new HashMap<>();
    private final Map<Integer, PendingTunnelQuery> tunnelQueries = new HashMap<>();
    private final Map<Long, DnsQuerySource> upstreamQueries = new HashMap<>();
    private long nextUpstreamQueryId = 1;

    DnsForwarding(ProxyIpAllocator allocator, RandomGenerator random, Deque<byte[]> tunOut, Queue<ClientEvent> events,
                  ClientState.Counters counters, Client client) {
        this.stub = new StubResolver(allocator);
        this.tcpDns = new SentinelTcpServer(random);
        this.random = random;
        this.tunOut = tunOut;
        this.events = events;
        this.counters = counters;
        this.client = client;
    }

    // ------------------------------------------------------------------ configuration

    /** The sentinels stand for the portal's resolvers, or the system's when the portal configures none. */
    void configure(Interface iface, List<InetAddress> systemResolvers) {
        this.iface = iface;
        List<InetAddress> do53 = iface.effectiveDo53().stream().map(a -> a.getAddress()).toList();
        sentinels.update(SentinelMap.effective(do53, iface.upstreamDoh(), systemResolvers));
    }

    void setResources(Collection<Resource> resources) {
        List<DnsResource> dns = new ArrayList<>();
        for (Resource r : resources) {
            if (r instanceof Resource.Dns d) {
                dns.add(new DnsResource(d.id(), DomainPattern.of(d.address()), d.effectiveIpStack()));
            }
        }
        stub.setResources(dns);
    }

    Map<InetAddress, Upstream> sentinels() {
        return sentinels.asMap();
    }

    // ------------------------------------------------------------------ queries

    /** A packet from the TUN addressed to a sentinel. */
    void handleSentinelPacket(IpPacket p, Instant now) {
        if (sentinels.upstreamOf(p.destination()).isEmpty()) {
            counters.droppedNoRoute++;
            return;
        }
        if (p.isUdp() && p.destinationPort() == 53) {
            byte[] payload = p.payload();
            DnsQuerySource source = new DnsQuerySource.Udp(p.source(), p.sourcePort(), p.destination(), null);
            handleQuery(source, payload, now);
        } else if (p.isTcp() && p.destinationPort() == 53) {
            for (SentinelTcpServer.Query q : tcpDns.handle(p, now, tunOut)) {
                handleQuery(q.source(), q.message(), now);
            }
        } else {
            counters.droppedNoRoute++;
        }
    }

    private void handleQuery(DnsQuerySource source, byte[] bytes, Instant now) {
        DnsMessage query;
        switch (DnsCodec.decode(bytes)) {
            case DnsCodec.DecodeResult.Decoded(DnsMessage m) -> query = m;
            case DnsCodec.DecodeResult.Malformed m -> {
                counters.malformedDnsQueries++;
                return;
            }
        }
        if (query.isResponse()) {
            counters.malformedDnsQueries++;
            return;
        }
        source = source.withQuery(query);
        switch (stub.resolve(query)) {
            case Resolution.LocalAnswer(DnsMessage response, Resolution.Assigned assigned) -> {
                if (assigned != null) {
                    client.assigned(assigned, now);
                }
                reply(source, response);
            }
            case Resolution.RecurseSite(UUID resourceId, DnsMessage q) -> {
                GatewayConnection g = client.connectionOf(resourceId);
                if (g != null) {
                    forwardToSite(g, source, q, now);
                } else {
                    client.awaitAuthorization(resourceId, source, q, now);
                }
            }
            case Resolution.RecurseLocal(DnsMessage q) -> {
                Upstream u = sentinels.upstreamOf(source.sentinel()).orElseThrow();
                if (u instanceof Upstream.Do53(InetAddress server, boolean fromPortal) && fromPortal
                        && client.recursesThroughTunnel(server)) {
                    forwardThroughTunnel(source, server, bytes, now);
                    return;
                }
                long id = nextUpstreamQueryId++;
                upstreamQueries.put(id, source);
                DnsTransport t = source instanceof DnsQuerySource.Tcp ? DnsTransport.TCP : DnsTransport.UDP;
                events.add(new ClientEvent.UpstreamDnsQuery(id, u, t, bytes.clone()));
            }
        }
    }

    /** The result of an {@link ClientEvent.UpstreamDnsQuery}. */
    void handleUpstreamResult(long queryId, UpstreamResult result, Instant now) {
        DnsQuerySource source = upstreamQueries.remove(queryId);
        if (source == null) {
            return;
        }
        switch (result) {
            case UpstreamResult.Response(byte[] message) -> replyWithClientId(source, message);
            case UpstreamResult.Timeout t -> {
                if (source instanceof DnsQuerySource.Tcp) {
                    servfail(source);
                }
            }
            case UpstreamResult.Failed f -> servfail(source);
        }
    }

    /** Sends the query from our tunnel address like any application packet, so it is authorized and routed. */
    private void forwardThroughTunnel(DnsQuerySource source, InetAddress server, byte[] query, Instant now) {
        InetAddress me = ourAddressFor(server);
        int port;
        do {
            port = 49152 + random.nextInt(65536 - 49152);
        } while (tunnelQueries.containsKey(port) || siteQueries.containsKey(port));
        tunnelQueries.put(port, new PendingTunnelQuery(server, source, now.plus(ClientState.SITE_DNS_TIMEOUT)));
        client.routeOutbound(PacketBuilder.udp(me, server, port, 53, query), now);
    }

    /** A packet from a resource: true if it answered a query {@link #forwardThroughTunnel} sent. */
    boolean handleTunnelResponse(IpPacket p) {
        PendingTunnelQuery q = p.isUdp() && p.sourcePort() == 53 ? tunnelQueries.get(p.destinationPort()) : null;
        if (q == null || !q.server().equals(p.source())) {
            return false;
        }
        tunnelQueries.remove(p.destinationPort());
        replyWithClientId(q.source(), p.payload());
        return true;
    }

    /** Asks the gateway's resolver, which resolves in the resource's site (SRV, TXT). */
    void forwardToSite(GatewayConnection g, DnsQuerySource source, DnsMessage query, Instant now) {
        InetAddress sentinel = source.sentinel();
        int port;
        do {
            port = 49152 + random.nextInt(65536 - 49152);
        } while (siteQueries.containsKey(port));
        siteQueries.put(port, new PendingSiteQuery(g.id, source, now.plus(ClientState.SITE_DNS_TIMEOUT)));
        byte[] packet = PacketBuilder.udp(ourAddressFor(sentinel), g.addressFor(sentinel), port,
                AddressPlan.GATEWAY_DNS_PORT, DnsCodec.encode(query)).bytes();
        g.send(packet);
    }

    /** A packet from the gateway's own address: true if it answered a query {@link #forwardToSite} sent. */
    boolean handleSiteResponse(GatewayConnection g, IpPacket p) {
        if (!(p.isUdp() && p.sourcePort() == AddressPlan.GATEWAY_DNS_PORT)) {
            return false;
        }
        PendingSiteQuery q = siteQueries.get(p.destinationPort());
        if (q == null || !q.gateway().equals(g.id)) {
            return false;
        }
        siteQueries.remove(p.destinationPort());
        replyWithClientId(q.source(), p.payload());
        return true;
    }

    void forgetGateway(UUID gatewayId) {
        siteQueries.values().removeIf(q -> q.gateway().equals(gatewayId));
    }

    // ------------------------------------------------------------------ answers

    private void replyWithClientId(DnsQuerySource source, byte[] message) {
        if (DnsCodec.decode(message) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)) {
            reply(source, m.withId(source.queryId(m.id())));
        } else {
            counters.malformedUpstreamResponses++;
        }
    }

    private void servfail(DnsQuerySource source) {
        source.originalQuery().ifPresent(q -> reply(source, q.respond(Rcode.SERVFAIL, List.of())));
    }

    private void reply(DnsQuerySource source, DnsMessage response) {
        switch (source) {
            case DnsQuerySource.Udp u -> {
                byte[] wire = DnsCodec.encode(response, DnsCodec.MAX_UDP_PAYLOAD);
                tunOut.add(PacketBuilder.udp(u.sentinel(), u.client(), 53, u.clientPort(), wire).bytes());
            }
            case DnsQuerySource.Tcp t -> tcpDns.respond(t, DnsCodec.encode(response), tunOut);
        }
    }

    private InetAddress ourAddressFor(InetAddress peer) {
        return peer instanceof Inet4Address ? iface.ipv4() : iface.ipv6();
    }

    // ------------------------------------------------------------------ timers

    void handleTimeout(Instant now) {
        siteQueries.values().removeIf(q -> !now.isBefore(q.expiresAt()));
        for (Iterator<PendingTunnelQuery> it = tunnelQueries.values().iterator(); it.hasNext(); ) {
            PendingTunnelQuery q = it.next();
            if (!now.isBefore(q.expiresAt())) {
                it.remove();
                if (q.source() instanceof DnsQuerySource.Tcp) {
                    servfail(q.source()); // UDP timeouts stay unanswered: the OS stub retries
                }
            }
        }
        tcpDns.expire(now);
    }

    Instant pollTimeout() {
        Instant t = null;
        for (PendingSiteQuery q : siteQueries.values()) {
            t = earlier(t, q.expiresAt());
        }
        for (PendingTunnelQuery q : tunnelQueries.values()) {
            t = earlier(t, q.expiresAt());
        }
        return earlier(t, tcpDns.nextTimeout());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }
}
