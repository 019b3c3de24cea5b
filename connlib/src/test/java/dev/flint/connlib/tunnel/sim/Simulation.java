package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsQuestion;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.dns.ProxyIpAllocator;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.dns.ReverseName;
import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.portal.Authorization;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.FlowLogsConfig;
import dev.flint.connlib.portal.GatewayConfig;
import dev.flint.connlib.portal.GatewayInterface;
import dev.flint.connlib.portal.GatewayResource;
import dev.flint.connlib.portal.Interface;
import dev.flint.connlib.portal.IpNetwork;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.ClientState;
import dev.flint.connlib.tunnel.GatewayEvent;
import dev.flint.connlib.tunnel.GatewayResolver;
import dev.flint.connlib.tunnel.GatewayState;
import dev.flint.connlib.tunnel.GatewayTransmit;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.connlib.tunnel.UpstreamResult;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The system under test on a simulated network with virtual time: the real {@link ClientState} and
 * {@link GatewayState}s, a portal stub that authorizes and sets up connections, hosts behind each site that echo
 * probes, and upstream resolvers. Every transition is applied to both this and the {@link ReferenceModel}, and every
 * observation must equal the model's prediction. Fully deterministic: same transitions, same run.
 */
final class Simulation {
    private static final Duration PORTAL_LATENCY = Duration.ofMillis(10);
    private static final Duration TUNNEL_LATENCY = Duration.ofMillis(20);
    private static final Duration CONNECT_TIME = Duration.ofMillis(30);
    private static final Duration HOST_LATENCY = Duration.ofMillis(5);
    private static final Duration UPSTREAM_LATENCY = Duration.ofMillis(7);

    private record Scheduled(Instant at, long seq, Runnable action) {}

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long seq;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.at.equals(b.at)
            ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));

    /** One client device: its engine, the model of what its user should see, and its applications' state. */
    private static final class Endpoint {
        final World.ClientSpec spec;
        final ClientState client;
        final ReferenceModel model;
        final Set<UUID> connected = new HashSet<>();
        final List<byte[]> tunInbox = new ArrayList<>();
        final Map<Integer, TcpDnsClient> tcpClients = new HashMap<>();
        TunConfig lastTunConfig;
        List<Resource> lastResources = List.of();

        Endpoint(World.ClientSpec spec, Map<UUID, ReferenceModel.Res> resources, long seed) {
            this.spec = spec;
            this.client = new ClientState(new ProxyIpAllocator(), new SplittableRandom(seed));
            this.model = new ReferenceModel(resources);
        }
    }

    private final Map<UUID, ReferenceModel.Res> modelResources = new LinkedHashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    /** The endpoint the current transition acts for. */
    private Endpoint cur;
    private final Map<UUID, GatewayState> gateways = new HashMap<>();

    // the portal's view
    private final LinkedHashMap<UUID, Resource> portalResources = new LinkedHashMap<>();
    private final Map<List<UUID>, Instant> grants = new HashMap<>(); // [gateway, resource, client] -> expiry
    /** Short enough that idle periods let authorizations expire (the gateway then says Goodbye). */
    private static final Duration AUTHORIZATION_LIFETIME = Duration.ofMinutes(3);

    // the application's view
    private final Map<Integer, UUID> carriedBy = new HashMap<>(); // probe token -> gateway
    private final Map<Integer, InetAddress> reachedHost = new HashMap<>();
    private int counter = 1;
    final List<String> log = new ArrayList<>();

    Simulation() {
        for (World.GatewaySpec g : World.GATEWAYS) {
            startGateway(g);
        }
        long seed = 7;
        for (World.ClientSpec c : World.CLIENTS) {
            Endpoint e = new Endpoint(c, modelResources, seed++);
            endpoints.add(e);
            e.client.setSystemResolvers(List.of(World.UPSTREAM, World.UPSTREAM_V6));
            e.client.setInterface(interfaceConfig(e));
        }
        cur = endpoints.getFirst();
        drain();
    }

    private static final FlowLogsConfig FLOW_LOGS = new FlowLogsConfig("https://flow.invalid/", 0, 1000);

    private boolean portalDns;

    private Interface interfaceConfig(Endpoint e) {
        List<InetAddress> do53 = portalDns ? List.of(World.PORTAL_DNS, World.PORTAL_DNS_V6) : List.of();
        return new Interface(e.spec.v4(), e.spec.v6(), do53, List.of(), List.of(), "corp.test");
    }

    /** What the portal sends a gateway on (re)connect: its still valid authorizations. */
    private PortalToGateway.Init gatewayInit(World.GatewaySpec spec) {
        List<Authorization> auths = grants.entrySet().stream()
                .filter(e -> e.getKey().get(0).equals(spec.id()) && e.getValue().isAfter(now))
                .map(e -> new Authorization(e.getKey().get(2), e.getKey().get(1), e.getValue())).toList();
        return new PortalToGateway.Init(new GatewayInterface(spec.v4(), spec.v6()), new GatewayConfig(true, true),
                "acme", List.of(), auths, FLOW_LOGS);
    }

    private void startGateway(World.GatewaySpec spec) {
        World.Zone zone = World.zoneOf(spec.site());
        GatewayState g = new GatewayState(new GatewayResolver() {
            @Override
            public List<InetAddress> resolve(String domain) {
                return zone.addresses(domain);
            }

            @Override
            public Optional<byte[]> forward(byte[] query) {
                return Optional.of(answerFromZone(zone, query));
            }
        });
        g.handlePortalMessage(gatewayInit(spec), now);
        gateways.put(spec.id(), g);
    }

    // ------------------------------------------------------------------ transitions

    void apply(Transition t) {
        log.add(t.toString());
        now = now.plusMillis(500);
        cur = endpoints.get(switch (t) {
            case Transition.ToggleInternet(int who) -> Math.floorMod(who, endpoints.size());
            case Transition.DnsQuery q -> Math.floorMod(q.who(), endpoints.size());
            case Transition.Probe p -> Math.floorMod(p.who(), endpoints.size());
            case Transition.Roam(int who) -> Math.floorMod(who, endpoints.size());
            default -> 0;
        });
        switch (t) {
            case Transition.AddDnsResource(int slot, int pattern, boolean siteB, int filters, int stack) -> {
                UUID id = World.uuid(0x2000 + Math.floorMod(slot, 5));
                String address = World.PATTERNS.get(Math.floorMod(pattern, World.PATTERNS.size()));
                UUID site = siteB ? World.SITE_B : World.SITE_A;
                List<Filter> f = World.FILTERS.get(Math.floorMod(filters, World.FILTERS.size()));
                var ipStack = World.STACKS.get(Math.floorMod(stack, World.STACKS.size()));
                portalUpsert(new Resource.Dns(id, address, null, "dns " + address, ipStack,
                        List.of(new Site(site, "site")), f));
                modelResources.put(id, new ReferenceModel.Res(id, ReferenceModel.Kind.DNS, address, site, f, ipStack));
            }
            case Transition.AddCidrResource(int cidr, int filters) -> {
                World.CidrSpec spec = World.CIDRS.get(Math.floorMod(cidr, World.CIDRS.size()));
                UUID id = World.uuid(0x3000 + Math.floorMod(cidr, World.CIDRS.size()));
                List<Filter> f = World.FILTERS.get(Math.floorMod(filters, World.FILTERS.size()));
                IpPrefix p = IpPrefix.of(spec.cidr());
                portalUpsert(new Resource.Cidr(id, new IpNetwork(p.address(), p.prefix()), null, "cidr " + spec.cidr(),
                        List.of(new Site(spec.site(), "site")), f));
                modelResources.put(id, new ReferenceModel.Res(id, ReferenceModel.Kind.CIDR, spec.cidr(), spec.site(),
                        f, null));
            }
            case Transition.AddInternetResource() -> {
                portalUpsert(new Resource.Internet(World.INTERNET_RESOURCE, null, true,
                        List.of(new Site(World.SITE_INTERNET, "Internet"))));
                modelResources.put(World.INTERNET_RESOURCE, new ReferenceModel.Res(World.INTERNET_RESOURCE,
                        ReferenceModel.Kind.INTERNET, null, World.SITE_INTERNET, List.of(), null));
            }
            case Transition.RemoveResource(int selector) -> pick(selector).ifPresent(id -> {
                portalDelete(id);
                modelResources.remove(id);
            });
            case Transition.ChangeFilters(int selector, int filters) -> pick(selector).ifPresent(id -> {
                List<Filter> f = World.FILTERS.get(Math.floorMod(filters, World.FILTERS.size()));
                Resource r = portalResources.get(id);
                Resource updated = switch (r) {
                    case Resource.Dns d -> new Resource.Dns(d.id(), d.address(), null, d.name(), d.ipStack(),
                            d.sites(), f);
                    case Resource.Cidr c -> new Resource.Cidr(c.id(), c.address(), null, c.name(), c.sites(), f);
                    default -> null;
                };
                if (updated != null) {
                    portalResources.put(id, updated);
                    toClients(new PortalToClient.ResourceCreatedOrUpdated(updated));
                    for (List<UUID> k : grants.keySet()) {
                        if (k.get(1).equals(id)) {
                            gateways.get(k.get(0)).handlePortalMessage(
                                    new PortalToGateway.ResourceUpdated(gatewayView(updated)), now);
                        }
                    }
                    ReferenceModel.Res m = modelResources.get(id);
                    modelResources.put(id, new ReferenceModel.Res(id, m.kind(), m.address(), m.site(), f, m.stack()));
                }
            });
            case Transition.MoveDnsResource(int selector) -> pick(selector).ifPresent(id -> {
                if (portalResources.get(id) instanceof Resource.Dns d) {
                    UUID site = d.sites().getFirst().id().equals(World.SITE_A) ? World.SITE_B : World.SITE_A;
                    portalDelete(id);
                    portalUpsert(new Resource.Dns(d.id(), d.address(), null, d.name(), d.ipStack(),
                            List.of(new Site(site, "site")), d.filters()));
                    ReferenceModel.Res m = modelResources.get(id);
                    modelResources.put(id, new ReferenceModel.Res(id, m.kind(), m.address(), site, m.filters(),
                            m.stack()));
                }
            });
            case Transition.ToggleInternet(int who) -> {
                cur.model.internetActive = !cur.model.internetActive;
                cur.client.setInternetResourceActive(cur.model.internetActive, now);
            }
            case Transition.DnsQuery(int name, int qtype, boolean tcp, boolean v6, int who) ->
                    dnsQuery(name, qtype, tcp, v6);
            case Transition.Probe(int target, int kind, int who) -> probe(target, kind);
            case Transition.SetPortalDns(boolean on) -> {
                portalDns = on;
                for (Endpoint e : endpoints) {
                    e.client.handlePortalMessage(new PortalToClient.ConfigChanged(interfaceConfig(e)), now);
                }
            }
            case Transition.Roam(int who) -> {
                for (UUID g : List.copyOf(cur.connected)) {
                    cur.connected.remove(g);
                    cur.client.handleConnectionFailed(g, now);
                    gateways.get(g).handleConnectionFailed(cur.spec.id(), now);
                }
            }
            case Transition.ReconnectPortal() -> {
                for (Endpoint e : endpoints) {
                    e.client.handlePortalMessage(new PortalToClient.Init(interfaceConfig(e),
                            List.copyOf(portalResources.values()), List.of(), List.of(), FLOW_LOGS), now);
                }
                for (World.GatewaySpec g : World.GATEWAYS) {
                    gateways.get(g.id()).handlePortalMessage(gatewayInit(g), now);
                }
            }
            case Transition.RestartGateway(int index) -> {
                World.GatewaySpec g = World.GATEWAYS.get(Math.floorMod(index, World.GATEWAYS.size()));
                startGateway(g);
                for (Endpoint e : endpoints) {
                    if (e.connected.remove(g.id())) {
                        e.client.handleConnectionFailed(g.id(), now);
                    }
                }
            }
            case Transition.ChangeRelays() -> { }
            case Transition.Idle(int seconds) -> {
                Instant until = now.plusSeconds(Math.floorMod(seconds, 120));
                runUntil(until);
            }
            case Transition.Garbage(long seed, boolean dns) -> garbage(seed, dns);
        }
        runUntil(now.plusSeconds(5));
        for (Endpoint e : endpoints) {
            check(e);
        }
    }

    private void toClients(PortalToClient message) {
        for (Endpoint e : endpoints) {
            e.client.handlePortalMessage(message, now);
        }
    }

    private Optional<UUID> pick(int selector) {
        List<UUID> ids = List.copyOf(portalResources.keySet());
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(Math.floorMod(selector, ids.size())));
    }

    // ------------------------------------------------------------------ portal stub

    private void portalUpsert(Resource r) {
        Resource old = portalResources.get(r.id());
        if (old != null && !sameAddressing(old, r)) {
            portalDelete(r.id());
        }
        portalResources.put(r.id(), r);
        toClients(new PortalToClient.ResourceCreatedOrUpdated(r));
        for (List<UUID> k : grants.keySet()) {
            if (k.get(1).equals(r.id())) {
                gateways.get(k.get(0)).updateResource(gatewayView(r));
            }
        }
    }

    private static boolean sameAddressing(Resource a, Resource b) {
        return switch (a) {
            case Resource.Dns x when b instanceof Resource.Dns y -> x.address().equals(y.address())
                    && x.ipStack() == y.ipStack() && x.sites().equals(y.sites());
            case Resource.Cidr x when b instanceof Resource.Cidr y -> x.address().equals(y.address());
            case Resource.Internet x when b instanceof Resource.Internet y -> true;
            default -> false;
        };
    }

    private void portalDelete(UUID id) {
        portalResources.remove(id);
        toClients(new PortalToClient.ResourceDeleted(id));
        for (List<UUID> k : List.copyOf(grants.keySet())) {
            if (k.get(1).equals(id)) {
                grants.remove(k);
                gateways.get(k.get(0)).handlePortalMessage(new PortalToGateway.RejectAccess(k.get(2), id), now);
            }
        }
    }

    private void requestAuthorization(Endpoint e, UUID resourceId, List<UUID> connectedIds) {
        ClientState client = e.client;
        Resource r = portalResources.get(resourceId);
        if (r == null) {
            client.handleAuthorizationFailed(resourceId, now);
            return;
        }
        Set<UUID> sites = sitesOf(r);
        World.GatewaySpec chosen = null;
        for (UUID id : connectedIds) {
            for (World.GatewaySpec g : World.GATEWAYS) {
                if (g.id().equals(id) && sites.contains(g.site()) && chosen == null) {
                    chosen = g;
                }
            }
        }
        if (chosen == null) {
            chosen = World.GATEWAYS.stream().filter(g -> sites.contains(g.site())).findFirst().orElse(null);
        }
        if (chosen == null) {
            client.handleAuthorizationFailed(resourceId, now);
            return;
        }
        World.GatewaySpec g = chosen;
        Instant expiry = now.plus(AUTHORIZATION_LIFETIME);
        gateways.get(g.id()).authorize(e.spec.id(), e.spec.v4(), e.spec.v6(), gatewayView(r), expiry, now);
        grants.put(List.of(g.id(), resourceId, e.spec.id()), expiry);
        client.handleAuthorizationCreated(resourceId, g.site(), g.id(), g.v4(), g.v6(), now);
        if (e.connected.contains(g.id())) {
            client.handleConnectionEstablished(g.id(), now);
        } else {
            GatewayState instance = gateways.get(g.id());
            schedule(CONNECT_TIME, () -> {
                if (gateways.get(g.id()) == instance) {
                    e.connected.add(g.id());
                    client.handleConnectionEstablished(g.id(), now);
                }
            });
        }
    }

    private static Set<UUID> sitesOf(Resource r) {
        List<Site> sites = switch (r) {
            case Resource.Dns d -> d.sites();
            case Resource.Cidr c -> c.sites();
            case Resource.Internet i -> i.sites();
            default -> List.of();
        };
        return sites.stream().map(Site::id).collect(Collectors.toSet());
    }

    private static GatewayResource gatewayView(Resource r) {
        return switch (r) {
            case Resource.Dns d -> new GatewayResource.Dns(d.id(), d.address(), d.name(), d.filters());
            case Resource.Cidr c -> new GatewayResource.Cidr(c.id(), c.address(), c.name(), c.filters());
            case Resource.Internet i -> new GatewayResource.Internet(i.id());
            default -> throw new IllegalArgumentException(r.toString());
        };
    }

    // ------------------------------------------------------------------ applications

    private void probe(int target, int kindSel) {
        List<InetAddress> targets = new ArrayList<>(cur.model.allProxies());
        targets.addAll(World.PROBE_TARGETS);
        InetAddress dst = targets.get(Math.floorMod(target, targets.size()));
        int kind = Math.floorMod(kindSel, 5);
        int token = counter++;
        InetAddress src = dst instanceof Inet4Address ? cur.spec.v4() : cur.spec.v6();
        byte[] tokenBytes = {(byte) (token >>> 8), (byte) token};
        IpPacket p = switch (kind) {
            case 0 -> PacketBuilder.icmpEchoRequest(src, dst, token, 1, tokenBytes);
            case 1 -> PacketBuilder.udp(src, dst, 20000 + token, 55, tokenBytes);
            case 2 -> PacketBuilder.udp(src, dst, 20000 + token, 9999, tokenBytes);
            case 3 -> PacketBuilder.tcp(src, dst, 20000 + token, 80, token, 0, IpPacket.TCP_SYN, 65535, new byte[0]);
            default -> PacketBuilder.tcp(src, dst, 20000 + token, 443, token, 0, IpPacket.TCP_SYN, 65535, new byte[0]);
        };
        Outcome expected = cur.model.probe(dst, kind);
        cur.tunInbox.clear();
        cur.client.handleTunInput(p.bytes(), now);
        runUntil(now.plusSeconds(5));
        Outcome actual = observeProbe(token, kind, dst);
        expect("probe " + kind + " to " + dst.getHostAddress(), expected, actual);
    }

    private Outcome observeProbe(int token, int kind, InetAddress dst) {
        for (byte[] b : cur.tunInbox) {
            if (!(IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p))) {
                throw new AssertionError("client wrote a malformed packet to the TUN");
            }
            if (!p.checksumsValid()) {
                throw new AssertionError("bad checksum on TUN packet " + p);
            }
            if (p.isIcmpError() && p.icmpQuoted() instanceof ParseResult.Parsed(IpPacket q)
                    && q.destination().equals(dst) && q.sourceL4Id() == (kind == 0 ? token : 20000 + token)) {
                boolean prohibited = p.isIpv4() ? p.icmpCode() == 13 : p.icmpCode() == 1;
                return prohibited ? new Outcome.Prohibited() : new Outcome.Unreachable();
            }
            boolean reply = switch (kind) {
                case 0 -> p.isIcmpEchoReply() && p.icmpIdentifier() == token;
                case 1, 2 -> p.isUdp() && p.destinationPort() == 20000 + token;
                default -> p.isTcp() && p.destinationPort() == 20000 + token && p.tcpAcknowledgement() == token + 1;
            };
            if (reply) {
                if (!p.source().equals(dst)) {
                    throw new AssertionError("reply from " + p.source() + " for a probe to " + dst);
                }
                UUID gw = carriedBy.get(token);
                UUID site = World.GATEWAYS.stream().filter(g -> g.id().equals(gw)).findFirst().orElseThrow().site();
                return new Outcome.Delivered(site, reachedHost.get(token));
            }
        }
        return new Outcome.Dropped();
    }

    private void dnsQuery(int nameSel, int qtypeSel, boolean tcp, boolean v6) {
        String name = World.NAMES.get(Math.floorMod(nameSel, World.NAMES.size()));
        int qtype = World.QTYPES.get(Math.floorMod(qtypeSel, World.QTYPES.size()));
        if (qtype == RecordType.PTR) {
            List<InetAddress> proxies = cur.model.allProxies();
            InetAddress target = proxies.isEmpty() ? World.ip("198.51.100.7")
                    : proxies.get(Math.floorMod(nameSel, proxies.size()));
            name = ReverseName.of(target);
        }
        InetAddress upstream = portalDns ? (v6 ? World.PORTAL_DNS_V6 : World.PORTAL_DNS)
                : (v6 ? World.UPSTREAM_V6 : World.UPSTREAM);
        InetAddress sentinel = cur.lastTunConfig.dnsBySentinel().entrySet().stream()
                .filter(e -> e.getValue() instanceof Upstream.Do53(InetAddress a, boolean p) && a.equals(upstream))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        InetAddress src = v6 ? cur.spec.v6() : cur.spec.v4();
        int id = counter++;
        byte[] query = DnsCodec.encode(DnsMessage.query(id, name, qtype));
        Outcome expected = cur.model.dns(name, qtype);
        cur.tunInbox.clear();
        int port = 30000 + id;
        if (tcp) {
            TcpDnsClient c = new TcpDnsClient(src, sentinel, port, query, b -> cur.client.handleTunInput(b, now));
            cur.tcpClients.put(port, c);
            c.start();
        } else {
            cur.client.handleTunInput(PacketBuilder.udp(src, sentinel, port, 53, query).bytes(), now);
        }
        runUntil(now.plusSeconds(15));
        byte[] response = null;
        if (tcp) {
            response = cur.tcpClients.remove(port).response;
        } else {
            for (byte[] b : cur.tunInbox) {
                if (IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p) && p.isUdp()
                        && p.destinationPort() == port && p.source().equals(sentinel) && p.sourcePort() == 53) {
                    response = p.payload();
                }
            }
        }
        Outcome actual;
        if (response == null) {
            actual = new Outcome.NoDnsAnswer();
        } else if (DnsCodec.decode(response) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m)) {
            if (m.id() != id) {
                throw new AssertionError("answer with id " + m.id() + " for query " + id);
            }
            actual = new Outcome.DnsAnswer(m.rcode(), List.copyOf(new TreeSet<>(m.answers().stream()
                    .map(r -> ReferenceModel.show(r.data())).toList())));
            if (m.answers().stream().anyMatch(r -> (r.type() == RecordType.A || r.type() == RecordType.AAAA)
                    && AddressPlan.isProxy(((r.data() instanceof RData.A a) ? a.address()
                    : ((RData.Aaaa) r.data()).address())) && r.ttl() != 1)) {
                throw new AssertionError("proxy answer with TTL other than 1 s");
            }
        } else {
            throw new AssertionError("undecodable DNS answer");
        }
        expect("DNS " + name + " type " + qtype + (tcp ? " over TCP" : " over UDP"), expected, actual);
    }

    private void garbage(long seed, boolean dns) {
        Random r = new Random(seed);
        long before;
        if (dns) {
            before = cur.client.counters().malformedDnsQueries();
            byte[] junk = new byte[r.nextInt(12)]; // shorter than a DNS header: always malformed
            r.nextBytes(junk);
            InetAddress sentinel = cur.lastTunConfig.dnsBySentinel().keySet().stream()
                    .filter(a -> a instanceof Inet4Address).findFirst().orElseThrow();
            cur.client.handleTunInput(PacketBuilder.udp(cur.spec.v4(), sentinel, 5353, 53, junk).bytes(), now);
            if (cur.client.counters().malformedDnsQueries() != before + 1) {
                throw new AssertionError("malformed DNS query not counted");
            }
        } else {
            before = cur.client.counters().malformedTunPackets();
            byte[] junk = new byte[1 + r.nextInt(19)]; // shorter than any IP header
            r.nextBytes(junk);
            cur.client.handleTunInput(junk, now);
            if (cur.client.counters().malformedTunPackets() != before + 1) {
                throw new AssertionError("malformed TUN packet not counted");
            }
        }
    }

    // ------------------------------------------------------------------ the network

    private void schedule(Duration after, Runnable action) {
        queue.add(new Scheduled(now.plus(after), seq++, action));
    }

    private void runUntil(Instant until) {
        drain();
        while (true) {
            Instant next = queue.isEmpty() ? null : queue.peek().at;
            Instant timer = earliestTimer();
            if (timer != null && (next == null || timer.isBefore(next)) && !timer.isAfter(until)) {
                now = timer.isAfter(now) ? timer : now;
                endpoints.forEach(e -> e.client.handleTimeout(now));
                gateways.values().forEach(g -> g.handleTimeout(now));
                drain();
                continue;
            }
            if (next == null || next.isAfter(until)) {
                break;
            }
            Scheduled s = queue.poll();
            now = s.at.isAfter(now) ? s.at : now;
            s.action.run();
            drain();
        }
        now = until.isAfter(now) ? until : now;
    }

    private Instant earliestTimer() {
        Instant t = null;
        for (Endpoint e : endpoints) {
            Instant x = e.client.pollTimeout();
            if (x != null && (t == null || x.isBefore(t))) {
                t = x;
            }
        }
        for (GatewayState g : gateways.values()) {
            Instant x = g.pollTimeout();
            if (x != null && (t == null || x.isBefore(t))) {
                t = x;
            }
        }
        return t;
    }

    private void drain() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Endpoint ep : endpoints) {
                progress |= drain(ep);
            }
            for (Map.Entry<UUID, GatewayState> entry : gateways.entrySet()) {
                UUID gid = entry.getKey();
                GatewayState g = entry.getValue();
                byte[] b;
                while ((b = g.pollTunPacket()) != null) {
                    progress = true;
                    byte[] packet = b;
                    schedule(HOST_LATENCY, () -> toHost(gid, g, packet));
                }
                GatewayTransmit t;
                while ((t = g.pollClientTransmit()) != null) {
                    progress = true;
                    byte[] packet = t.packet();
                    Endpoint ep = endpoint(t.peer());
                    if (ep.connected.contains(gid)) {
                        schedule(TUNNEL_LATENCY, () -> ep.client.handleGatewayPacket(gid, packet, now));
                    }
                }
                GatewayEvent ge;
                while ((ge = g.pollEvent()) != null) {
                    progress = true;
                    if (ge instanceof GatewayEvent.CloseConnection(UUID clientId)) {
                        log.add("    gateway " + gid + " closes the connection");
                        // delivered Goodbyes were scheduled above; the connection goes now
                        Endpoint ep = endpoint(clientId);
                        schedule(TUNNEL_LATENCY.plusMillis(1), () -> ep.connected.remove(gid));
                    }
                }
            }
        }
    }

    private Endpoint endpoint(UUID clientId) {
        return endpoints.stream().filter(e -> e.spec.id().equals(clientId)).findFirst().orElseThrow();
    }

    private boolean drain(Endpoint ep) {
        boolean progress = false;
        ClientState client = ep.client;
        byte[] b;
        while ((b = client.pollTunPacket()) != null) {
            progress = true;
            toApplication(ep, b);
        }
        GatewayTransmit t;
        while ((t = client.pollGatewayTransmit()) != null) {
            progress = true;
            GatewayTransmit tx = t;
            GatewayState g = gateways.get(tx.peer());
            if (ep.connected.contains(tx.peer())) {
                schedule(TUNNEL_LATENCY, () -> {
                    if (gateways.get(tx.peer()) == g) {
                        g.handleClientPacket(ep.spec.id(), tx.packet(), now);
                    }
                });
            }
        }
        ClientEvent e;
        while ((e = client.pollEvent()) != null) {
            progress = true;
            switch (e) {
                case ClientEvent.RequestAuthorization(UUID rid, List<UUID> ids) ->
                        schedule(PORTAL_LATENCY, () -> requestAuthorization(ep, rid, ids));
                case ClientEvent.CloseConnection(UUID gid) -> ep.connected.remove(gid);
                case ClientEvent.TunConfigChanged(TunConfig c) -> ep.lastTunConfig = c;
                case ClientEvent.ResourcesChanged(List<Resource> rs) -> ep.lastResources = rs;
                case ClientEvent.UpstreamDnsQuery q -> schedule(UPSTREAM_LATENCY, () -> client.handleUpstreamResult(
                        q.queryId(), new UpstreamResult.Response(answerFromZone(World.ZONE_PUBLIC, q.query())), now));
            }
        }
        return progress;
    }

    private void toApplication(Endpoint ep, byte[] b) {
        if (IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p) && p.isTcp() && p.sourcePort() == 53) {
            TcpDnsClient c = ep.tcpClients.get(p.destinationPort());
            if (c != null) {
                c.handle(p);
                return;
            }
        }
        ep.tunInbox.add(b);
    }

    /** A host behind a gateway: echoes ICMP, UDP and TCP SYNs back, if that gateway's site can reach it. */
    private void toHost(UUID gatewayId, GatewayState g, byte[] b) {
        if (!(IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p))) {
            throw new AssertionError("gateway wrote a malformed packet");
        }
        if (!p.checksumsValid()) {
            throw new AssertionError("gateway wrote a packet with a bad checksum: " + p);
        }
        UUID site = World.GATEWAYS.stream().filter(x -> x.id().equals(gatewayId)).findFirst().orElseThrow().site();
        InetAddress dst = p.destination();
        if (!World.HOSTS.contains(dst) || World.SITE_NETWORKS.get(site).stream().noneMatch(n -> n.contains(dst))) {
            return;
        }
        IpPacket reply;
        int token;
        if (p.isUdp() && p.destinationPort() == 53 && (dst.equals(World.PORTAL_DNS) || dst.equals(World.PORTAL_DNS_V6))) {
            tunnelledDnsQueries++;
            IpPacket answer = PacketBuilder.udp(dst, p.source(), 53, p.sourcePort(),
                    answerFromZone(World.ZONE_PUBLIC, p.payload()));
            schedule(HOST_LATENCY, () -> {
                if (gateways.get(gatewayId) == g) {
                    g.handleTunInput(answer.bytes(), now);
                }
            });
            return;
        }
        if (p.isIcmpEchoRequest()) {
            token = tokenOf(p.payload());
            reply = PacketBuilder.icmpEchoReply(dst, p.source(), p.icmpIdentifier(), p.icmpSequence(), p.payload());
        } else if (p.isUdp()) {
            token = tokenOf(p.payload());
            reply = PacketBuilder.udp(dst, p.source(), p.destinationPort(), p.sourcePort(), p.payload());
        } else if (p.isTcp() && (p.tcpFlags() & IpPacket.TCP_SYN) != 0) {
            token = (int) p.tcpSequence();
            reply = PacketBuilder.tcp(dst, p.source(), p.destinationPort(), p.sourcePort(), 5000, p.tcpSequence() + 1,
                    IpPacket.TCP_SYN | IpPacket.TCP_ACK, 65535, new byte[0]);
        } else {
            return;
        }
        carriedBy.put(token, gatewayId);
        reachedHost.put(token, dst);
        schedule(HOST_LATENCY, () -> {
            if (gateways.get(gatewayId) == g) {
                g.handleTunInput(reply.bytes(), now);
            }
        });
    }

    private static int tokenOf(byte[] payload) {
        return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    static byte[] answerFromZone(World.Zone zone, byte[] queryBytes) {
        if (!(DnsCodec.decode(queryBytes) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage q))
                || q.questions().isEmpty()) {
            throw new AssertionError("resolver got a malformed query");
        }
        DnsQuestion question = q.questions().getFirst();
        String name = question.name().toLowerCase();
        if (!zone.has(name)) {
            return DnsCodec.encode(q.respond(Rcode.NXDOMAIN, List.of()));
        }
        List<DnsRecord> answers = zone.lookup(name, question.type()).stream()
                .map(d -> DnsRecord.in(question.name(), 300, d)).toList();
        return DnsCodec.encode(q.respond(Rcode.NOERROR, answers));
    }

    // ------------------------------------------------------------------ invariants

    private void check(Endpoint e) {
        Set<String> routes = new TreeSet<>(e.client.tunConfig().routes().stream().map(IpPrefix::toString).toList());
        expect("routes of " + e.spec.id(), e.model.routes(), routes);
        expect("TUN config event", e.client.tunConfig(), e.lastTunConfig);
        expect("resources", e.model.resourceIds(), e.lastResources.stream().map(Resource::id)
                .collect(Collectors.toSet()));
        expect("DNS servers", 2, e.lastTunConfig.dnsBySentinel().size());
    }

    final List<Object> outcomes = new ArrayList<>();

    private void expect(String what, Object expected, Object actual) {
        if (expected instanceof Outcome) {
            outcomes.add(actual);
            log.add("    " + what + " -> " + actual);
        }
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + " but was " + actual + "\nafter "
                    + String.join("\n  ", log));
        }
    }

    int tunnelledDnsQueries;

    int observations() {
        return counter;
    }
}
