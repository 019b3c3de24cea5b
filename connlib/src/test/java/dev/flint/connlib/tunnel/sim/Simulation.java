package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsQuestion;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.dns.ReverseName;
import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.ice.NominatedPair;
import dev.flint.connlib.net.Transmit;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.peer.PeerEvent;
import dev.flint.connlib.portal.ClientToPortal;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.GatewayToPortal;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.sim.VirtualNetwork;
import dev.flint.connlib.sim.VirtualNetwork.Nat;
import dev.flint.connlib.tunnel.ClientEvent;
import dev.flint.connlib.tunnel.ClientSession;
import dev.flint.connlib.tunnel.ClientSessionEvent;
import dev.flint.connlib.tunnel.GatewayResolver;
import dev.flint.connlib.tunnel.GatewaySession;
import dev.flint.connlib.tunnel.GatewaySessionEvent;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.connlib.tunnel.UpstreamResult;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The system under test on a simulated network with virtual time: one real {@link ClientSession} per client device
 * and one real {@link GatewaySession} per gateway, each a host on a {@link VirtualNetwork} behind the NAT the run
 * drew, with TURN relays on the internet; ICE, TURN and WireGuard run for real over it. A {@link Portal} speaks the
 * portal's messages with them; hosts behind each site echo probes; the clients' upstream resolvers answer from the
 * public zone. Every transition is applied to both this and the {@link ReferenceModel}, and every observation must
 * equal the model's prediction. Fully deterministic: same network, same transitions, same run.
 */
final class Simulation {
    static {
        // Thousands of connections per run: the engines' debug log would cost more than the run itself.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.flint.connlib"))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    private static final Duration PORTAL_LATENCY = Duration.ofMillis(10);
    private static final Duration HOST_LATENCY = Duration.ofMillis(5);
    private static final Duration UPSTREAM_LATENCY = Duration.ofMillis(7);
    /** Quiet time between transitions, and how long a transition gets to settle before the invariants are checked. */
    private static final Duration GAP = Duration.ofMillis(500);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /**
     * A crashed gateway says nothing: its clients find out when ICE gives up on every pair (at the idle check
     * interval of 25 s that is about 100 s, then 2 s disconnected), and only then ask the portal again.
     */
    private static final Duration CRASH_SETTLE = Duration.ofSeconds(120);
    /** How long an application waits for a probe's answer, and for a DNS answer (site queries time out at 10 s). */
    private static final Duration PROBE_WINDOW = Duration.ofSeconds(5);
    private static final Duration DNS_WINDOW = Duration.ofSeconds(15);
    /**
     * With loss, applications send again as real ones do: probes every second, DNS queries every 2 s, for a minute.
     * A connection over two relays crosses six lossy hops per round trip and every lost handshake costs WireGuard's
     * 5 s rekey timeout, so at 10 % loss setting one up can take half a minute now and then.
     */
    private static final Duration PROBE_RETRY = Duration.ofSeconds(1);
    private static final int PROBE_TRIES = 60;
    /**
     * Without loss an application still sends once more when its first packet got no answer where one was due: a
     * gateway that let one of a client's authorizations expire refuses its next packet, and the client keeps that
     * refusal from the application while it asks for the resource again (as Firezone's does).
     */
    private static final int LOSSLESS_PROBE_TRIES = 2;
    private static final Duration DNS_RETRY = Duration.ofSeconds(2);
    private static final int DNS_TRIES = 30;

    /**
     * The network of one run: the NAT in front of each client ({@link World#CLIENTS}) and gateway
     * ({@link World#GATEWAYS}), the loss rate, the seed of keys, NAT ports and loss, and how long NATs keep an idle
     * mapping (null: for ever).
     */
    record Net(List<Nat> clientNats, List<Nat> gatewayNats, double loss, long seed, Duration natTimeout) {
        /** Home routers that forget a UDP mapping after 30 s without outbound traffic (keepalives come every 25 s). */
        static final Duration NAT_TIMEOUT = Duration.ofSeconds(30);
        /** Direct, server-reflexive and relayed paths all occur: a cone and a symmetric client, every gateway NAT. */
        static final Net DEFAULT = new Net(List.of(Nat.PORT_RESTRICTED, Nat.SYMMETRIC),
                List.of(Nat.NONE, Nat.FULL_CONE, Nat.PORT_RESTRICTED, Nat.SYMMETRIC), 0, 1);

        Net {
            if (clientNats.size() != World.CLIENTS.size() || gatewayNats.size() != World.GATEWAYS.size()) {
                throw new IllegalArgumentException("one NAT per client and per gateway");
            }
        }

        Net(List<Nat> clientNats, List<Nat> gatewayNats, double loss, long seed) {
            this(clientNats, gatewayNats, loss, seed, NAT_TIMEOUT);
        }

        static Net everywhere(Nat nat, double loss, long seed) {
            return new Net(World.CLIENTS.stream().map(c -> nat).toList(), World.GATEWAYS.stream().map(g -> nat)
                    .toList(), loss, seed);
        }
    }

    private record Scheduled(Instant at, long seq, Runnable action) {}

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private Instant now = START;
    private long seq;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.at.equals(b.at)
            ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));
    private final Net net;
    private final SplittableRandom random;
    final VirtualNetwork network;
    private final Portal portal;
    private int relaysStarted;

    /** The portal connection of a device: messages sent on an older link are lost with it. */
    private abstract static class Device {
        int link;
        boolean joined;
        VirtualNetwork.Host host;
    }

    /** One client device: its session, the model of what its user should see, and its applications' state. */
    private static final class Endpoint extends Device {
        final int index;
        final World.ClientSpec spec;
        final ClientSession session;
        final ReferenceModel model;
        final List<byte[]> tunInbox = new ArrayList<>();
        final Map<Integer, TcpDnsClient> tcpClients = new HashMap<>();
        TunConfig lastTunConfig;
        List<Resource> lastResources = List.of();
        /** Which network the device is on (roaming moves it to the next). */
        int place;

        Endpoint(int index, World.ClientSpec spec, ClientSession session, Map<UUID, ReferenceModel.Res> resources) {
            this.index = index;
            this.spec = spec;
            this.session = session;
            this.model = new ReferenceModel(resources);
        }
    }

    /** One gateway: a restart replaces its session on the same host. */
    private static final class Gateway extends Device {
        final int index;
        final World.GatewaySpec spec;
        GatewaySession session;

        Gateway(int index, World.GatewaySpec spec) {
            this.index = index;
            this.spec = spec;
        }
    }

    private final Map<UUID, ReferenceModel.Res> modelResources = new LinkedHashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    /** The endpoint the current transition acts for. */
    private Endpoint cur;
    private final Map<UUID, Gateway> gateways = new LinkedHashMap<>();

    // the application's view
    private final Map<Integer, UUID> carriedBy = new HashMap<>(); // probe token -> gateway
    private final Map<Integer, InetAddress> reachedHost = new HashMap<>();
    private int counter = 1;
    final List<String> log = new ArrayList<>();
    /** A client's connection to a gateway was established on, or moved to, {@code pair}. */
    record PathSeen(UUID client, UUID gateway, NominatedPair pair) {}

    final List<PathSeen> paths = new ArrayList<>();
    int tunnelledDnsQueries;

    Simulation() {
        this(Net.DEFAULT);
    }

    Simulation(Net net) {
        this.net = net;
        this.random = new SplittableRandom(net.seed());
        this.network = new VirtualNetwork(random.split(), () -> now);
        network.loss = net.loss();
        network.natTimeout = net.natTimeout();
        this.portal = new Portal(new Portal.Link() {
            @Override
            public Instant now() {
                return now;
            }

            @Override
            public void toClient(UUID clientId, PortalToClient message) {
                Endpoint ep = endpoint(clientId);
                int link = ep.link;
                schedule(PORTAL_LATENCY, () -> {
                    if (ep.link == link && ep.joined) {
                        ep.session.handlePortalMessage(message, now);
                    }
                });
            }

            @Override
            public void toGateway(UUID gatewayId, PortalToGateway message) {
                Gateway gw = gateways.get(gatewayId);
                int link = gw.link;
                schedule(PORTAL_LATENCY, () -> {
                    if (gw.link == link && gw.joined) {
                        gw.session.handlePortalMessage(message, now);
                    }
                });
            }

            @Override
            public void after(Duration delay, Runnable action) {
                schedule(delay, action);
            }
        });
        for (int i = 0; i < 2; i++) {
            portal.relays.add(network.addRelay("198.18.0." + (100 + relaysStarted++)));
        }
        for (int i = 0; i < World.GATEWAYS.size(); i++) {
            Gateway gw = new Gateway(i, World.GATEWAYS.get(i));
            gateways.put(gw.spec.id(), gw);
            Nat nat = net.gatewayNats().get(i);
            InetAddress publicIp = VirtualNetwork.addr("198.18.10." + (i + 1));
            InetSocketAddress local = nat == Nat.NONE ? new InetSocketAddress(publicIp, 52625)
                    : new InetSocketAddress("172.20." + i + ".10", 52625);
            gw.host = network.addHost(local, nat, nat == Nat.NONE ? null : publicIp,
                    (at, from, payload) -> gw.session.handleNetworkInput(at, from, payload, 0, payload.length, now));
            gw.session = startGateway(gw.spec);
            join(gw);
        }
        for (int i = 0; i < World.CLIENTS.size(); i++) {
            World.ClientSpec c = World.CLIENTS.get(i);
            Endpoint e = new Endpoint(i, c, new ClientSession(WireGuardKey.generatePrivate(random.split()),
                    random.split(), now), modelResources);
            endpoints.add(e);
            attach(e);
            e.session.setSystemResolvers(List.of(World.UPSTREAM, World.UPSTREAM_V6), now);
            join(e);
        }
        cur = endpoints.getFirst();
        runUntil(now.plusSeconds(1));
        for (Endpoint e : endpoints) {
            if (e.lastTunConfig == null) {
                throw new AssertionError("client " + e.index + " got no configuration from the portal");
            }
        }
    }

    private GatewaySession startGateway(World.GatewaySpec spec) {
        World.Zone zone = World.zoneOf(spec.site());
        return new GatewaySession(WireGuardKey.generatePrivate(random.split()), new GatewayResolver() {
            @Override
            public List<InetAddress> resolve(String domain) {
                return zone.addresses(domain);
            }

            @Override
            public Optional<byte[]> forward(byte[] query) {
                return Optional.of(answerFromZone(zone, query));
            }
        }, random.split(), now);
    }

    /** Puts the client on the network it is at now: behind its NAT with a fresh public address per place. */
    private void attach(Endpoint e) {
        Nat nat = net.clientNats().get(e.index);
        InetAddress publicIp = VirtualNetwork.addr("198.18." + (1 + e.index) + "." + (1 + e.place));
        InetSocketAddress local = nat == Nat.NONE ? new InetSocketAddress(publicIp, 52625)
                : new InetSocketAddress("192.168." + (1 + e.index) + "." + (10 + e.place), 52625);
        e.host = network.addHost(local, nat, nat == Nat.NONE ? null : publicIp,
                (at, from, payload) -> e.session.handleNetworkInput(at, from, payload, 0, payload.length, now));
    }

    // ------------------------------------------------------------------ portal connections

    private void join(Endpoint e) {
        int link = ++e.link;
        schedule(PORTAL_LATENCY, () -> {
            if (e.link == link) {
                e.joined = true;
                e.session.handlePortalJoined(now);
                portal.clientJoined(e.spec, e.session.publicKey());
            }
        });
    }

    private void join(Gateway g) {
        int link = ++g.link;
        schedule(PORTAL_LATENCY, () -> {
            if (g.link == link) {
                g.joined = true;
                g.session.handlePortalJoined(now);
                portal.gatewayJoined(g.spec, g.session.publicKey());
            }
        });
    }

    private void leave(Endpoint e) {
        e.link++;
        e.joined = false;
        e.session.handlePortalLeft();
        portal.left(e.spec.id());
    }

    private void leave(Gateway g) {
        g.link++;
        g.joined = false;
        g.session.handlePortalLeft();
        portal.left(g.spec.id());
    }

    // ------------------------------------------------------------------ transitions

    void apply(Transition t) {
        log.add(t.toString());
        runUntil(now.plus(GAP));
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
                portal.upsert(new Resource.Dns(id, address, null, "dns " + address, ipStack,
                        List.of(new Site(site, "site")), f));
                modelResources.put(id, new ReferenceModel.Res(id, ReferenceModel.Kind.DNS, address, site, f, ipStack));
            }
            case Transition.AddCidrResource(int cidr, int filters) -> {
                World.CidrSpec spec = World.CIDRS.get(Math.floorMod(cidr, World.CIDRS.size()));
                UUID id = World.uuid(0x3000 + Math.floorMod(cidr, World.CIDRS.size()));
                List<Filter> f = World.FILTERS.get(Math.floorMod(filters, World.FILTERS.size()));
                IpPrefix p = IpPrefix.parse(spec.cidr()).network();
                portal.upsert(new Resource.Cidr(id, p, null, "cidr " + spec.cidr(),
                        List.of(new Site(spec.site(), "site")), f));
                modelResources.put(id, new ReferenceModel.Res(id, ReferenceModel.Kind.CIDR, spec.cidr(), spec.site(),
                        f, null));
            }
            case Transition.AddInternetResource() -> {
                portal.upsert(new Resource.Internet(World.INTERNET_RESOURCE, null, true,
                        List.of(new Site(World.SITE_INTERNET, "Internet"))));
                modelResources.put(World.INTERNET_RESOURCE, new ReferenceModel.Res(World.INTERNET_RESOURCE,
                        ReferenceModel.Kind.INTERNET, null, World.SITE_INTERNET, List.of(), null));
            }
            case Transition.RemoveResource(int selector) -> pick(selector).ifPresent(id -> {
                portal.delete(id);
                modelResources.remove(id);
            });
            case Transition.ChangeFilters(int selector, int filters) -> pick(selector).ifPresent(id -> {
                List<Filter> f = World.FILTERS.get(Math.floorMod(filters, World.FILTERS.size()));
                ReferenceModel.Res m = modelResources.get(id);
                if (m.kind() != ReferenceModel.Kind.INTERNET) {
                    portal.changeFilters(id, f);
                    modelResources.put(id, new ReferenceModel.Res(id, m.kind(), m.address(), m.site(), f, m.stack()));
                }
            });
            case Transition.MoveDnsResource(int selector) -> pick(selector).ifPresent(id -> {
                if (portal.resources.get(id) instanceof Resource.Dns d) {
                    UUID site = d.sites().getFirst().id().equals(World.SITE_A) ? World.SITE_B : World.SITE_A;
                    portal.delete(id);
                    portal.upsert(new Resource.Dns(d.id(), d.address(), null, d.name(), d.ipStack(),
                            List.of(new Site(site, "site")), d.filters()));
                    ReferenceModel.Res m = modelResources.get(id);
                    modelResources.put(id, new ReferenceModel.Res(id, m.kind(), m.address(), site, m.filters(),
                            m.stack()));
                }
            });
            case Transition.ToggleInternet(int who) -> {
                cur.model.internetActive = !cur.model.internetActive;
                cur.session.setInternetResourceActive(cur.model.internetActive, now);
            }
            case Transition.DnsQuery(int name, int qtype, boolean tcp, boolean v6, int who) ->
                    dnsQuery(name, qtype, tcp, v6);
            case Transition.Probe(int target, int kind, int who) -> probe(target, kind);
            case Transition.SetPortalDns(boolean on) -> portal.setPortalDns(on);
            case Transition.Roam(int who) -> {
                // A new network: a new address behind a new NAT, every connection gone, a new key, a new portal link.
                leave(cur);
                network.removeHost(cur.host);
                cur.place++;
                attach(cur);
                cur.session.reset(now);
                join(cur);
            }
            case Transition.ReconnectPortal() -> {
                for (Endpoint e : endpoints) {
                    leave(e);
                    join(e);
                }
                for (Gateway g : gateways.values()) {
                    leave(g);
                    join(g);
                }
            }
            case Transition.RestartGateway(int index) -> {
                // The old process says goodbye to its clients on the way out; the new one has a new key.
                Gateway g = gateways.get(World.GATEWAYS.get(Math.floorMod(index, World.GATEWAYS.size())).id());
                g.session.goodbye(now);
                drain(g);
                leave(g);
                g.session = startGateway(g.spec);
                join(g);
            }
            case Transition.CrashGateway(int index) -> {
                Gateway g = gateways.get(World.GATEWAYS.get(Math.floorMod(index, World.GATEWAYS.size())).id());
                leave(g);
                g.session = startGateway(g.spec);
                join(g);
            }
            case Transition.ChangeRelays() -> {
                // The oldest relay dies; the portal announces a new one in its place.
                network.unreachable.add(portal.relays.getFirst().address.getAddress());
                portal.replaceRelay(network.addRelay("198.18.0." + (100 + relaysStarted++)));
            }
            case Transition.Idle(int seconds) -> runUntil(now.plusSeconds(Math.floorMod(seconds, 120)));
            case Transition.Garbage(long seed, boolean dns) -> garbage(seed, dns);
        }
        runUntil(now.plus(t instanceof Transition.CrashGateway ? CRASH_SETTLE : SETTLE));
        for (Endpoint e : endpoints) {
            check(e);
        }
    }

    private Optional<UUID> pick(int selector) {
        List<UUID> ids = List.copyOf(portal.resources.keySet());
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(Math.floorMod(selector, ids.size())));
    }

    // ------------------------------------------------------------------ applications

    private boolean lossy() {
        return network.loss > 0;
    }

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
        int allowed = lossy() ? PROBE_TRIES : expected instanceof Outcome.Dropped ? 1 : LOSSLESS_PROBE_TRIES;
        Outcome actual;
        int tries = 0;
        do {
            cur.session.handleTunInput(p.bytes(), now);
            runUntil(now.plus(lossy() ? PROBE_RETRY : PROBE_WINDOW));
            actual = observeProbe(token, kind, dst);
        } while (actual instanceof Outcome.Dropped && ++tries < allowed);
        expect("probe " + kind + " to " + dst.getHostAddress() + (tries > 0 ? " (" + (tries + 1) + " tries)" : ""),
                expected, actual);
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
                return new Outcome.Delivered(gateways.get(gw).spec.site(), reachedHost.get(token));
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
        InetAddress upstream = portal.portalDns() ? (v6 ? World.PORTAL_DNS_V6 : World.PORTAL_DNS)
                : (v6 ? World.UPSTREAM_V6 : World.UPSTREAM);
        InetAddress sentinel = cur.lastTunConfig.dnsBySentinel().entrySet().stream()
                .filter(e -> e.getValue() instanceof Upstream.Do53(InetAddress a, boolean p) && a.equals(upstream))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        InetAddress src = v6 ? cur.spec.v6() : cur.spec.v4();
        int id = counter++;
        byte[] query = DnsCodec.encode(DnsMessage.query(id, name, qtype));
        Outcome expected = cur.model.dns(name, qtype);
        cur.tunInbox.clear();
        Endpoint ep = cur;
        int udpPort = 30000 + id;
        List<TcpDnsClient> connections = new ArrayList<>();
        DnsMessage response = null;
        int tries = 0;
        do {
            if (tcp) {
                int port = tries == 0 ? udpPort : 30000 + counter++; // one connection per try
                TcpDnsClient c = new TcpDnsClient(src, sentinel, port, query, b -> ep.session.handleTunInput(b, now));
                ep.tcpClients.put(port, c);
                connections.add(c);
                c.start();
            } else {
                ep.session.handleTunInput(PacketBuilder.udp(src, sentinel, udpPort, 53, query).bytes(), now);
            }
            runUntil(now.plus(lossy() ? DNS_RETRY : DNS_WINDOW));
            response = dnsResponse(tcp, connections, udpPort, sentinel, id);
        } while (lossy() && (response == null || response.rcode() == Rcode.SERVFAIL) && ++tries < DNS_TRIES);
        ep.tcpClients.values().removeAll(connections);
        Outcome actual = response == null ? new Outcome.NoDnsAnswer() : new Outcome.DnsAnswer(response.rcode(),
                List.copyOf(new TreeSet<>(response.answers().stream().map(r -> ReferenceModel.show(r.data())).toList())));
        if (response != null && response.answers().stream().anyMatch(r -> (r.type() == RecordType.A
                || r.type() == RecordType.AAAA) && AddressPlan.isProxy(((r.data() instanceof RData.A a) ? a.address()
                : ((RData.Aaaa) r.data()).address())) && r.ttl() != 1)) {
            throw new AssertionError("proxy answer with TTL other than 1 s");
        }
        expect("DNS " + name + " type " + qtype + (tcp ? " over TCP" : " over UDP")
                + (tries > 0 ? " (" + (tries + 1) + " tries)" : ""), expected, actual);
    }

    /** The best answer so far: one that is not SERVFAIL if any (a try lost on the way times out as SERVFAIL). */
    private DnsMessage dnsResponse(boolean tcp, List<TcpDnsClient> connections, int port, InetAddress sentinel,
                                   int id) {
        List<byte[]> raw = new ArrayList<>();
        if (tcp) {
            connections.stream().filter(c -> c.response != null).forEach(c -> raw.add(c.response));
        } else {
            for (byte[] b : cur.tunInbox) {
                if (IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p) && p.isUdp()
                        && p.destinationPort() == port && p.source().equals(sentinel) && p.sourcePort() == 53) {
                    raw.add(p.payload());
                }
            }
        }
        DnsMessage best = null;
        for (byte[] r : raw) {
            if (!(DnsCodec.decode(r) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage m))) {
                throw new AssertionError("undecodable DNS answer");
            }
            if (m.id() != id) {
                throw new AssertionError("answer with id " + m.id() + " for query " + id);
            }
            if (best == null || best.rcode() == Rcode.SERVFAIL) {
                best = m;
            }
        }
        return best;
    }

    private void garbage(long seed, boolean dns) {
        Random r = new Random(seed);
        long before;
        if (dns) {
            before = cur.session.counters().malformedDnsQueries();
            byte[] junk = new byte[r.nextInt(12)]; // shorter than a DNS header: always malformed
            r.nextBytes(junk);
            InetAddress sentinel = cur.lastTunConfig.dnsBySentinel().keySet().stream()
                    .filter(a -> a instanceof Inet4Address).findFirst().orElseThrow();
            cur.session.handleTunInput(PacketBuilder.udp(cur.spec.v4(), sentinel, 5353, 53, junk).bytes(), now);
            if (cur.session.counters().malformedDnsQueries() != before + 1) {
                throw new AssertionError("malformed DNS query not counted");
            }
        } else {
            before = cur.session.counters().malformedTunPackets();
            byte[] junk = new byte[1 + r.nextInt(19)]; // shorter than any IP header
            r.nextBytes(junk);
            cur.session.handleTunInput(junk, now);
            if (cur.session.counters().malformedTunPackets() != before + 1) {
                throw new AssertionError("malformed TUN packet not counted");
            }
        }
    }

    // ------------------------------------------------------------------ virtual time

    private void schedule(Duration after, Runnable action) {
        queue.add(new Scheduled(now.plus(after), seq++, action));
    }

    /**
     * Runs everything due until {@code until}: datagrams landing, scheduled deliveries (portal, hosts, resolvers)
     * and every session's timers, in time order, draining all outputs after each step.
     */
    private void runUntil(Instant until) {
        int stuck = 0;
        while (true) {
            drainAll();
            Instant next = min(queue.isEmpty() ? null : queue.peek().at, network.nextDelivery());
            for (Endpoint e : endpoints) {
                next = min(next, e.session.pollTimeout());
            }
            for (Gateway g : gateways.values()) {
                next = min(next, g.session.pollTimeout());
            }
            if (next == null || next.isAfter(until)) {
                break;
            }
            if (next.isAfter(now)) {
                now = next;
                stuck = 0;
            } else if (++stuck > 10_000) {
                throw new AssertionError("no progress at " + now + ": a timer keeps firing\nafter "
                        + String.join("\n  ", log));
            }
            network.deliverDue(now);
            drainAll();
            while (!queue.isEmpty() && !queue.peek().at.isAfter(now)) {
                queue.poll().action.run();
                drainAll();
            }
            for (Endpoint e : endpoints) {
                Instant t = e.session.pollTimeout();
                if (t != null && !t.isAfter(now)) {
                    e.session.handleTimeout(now);
                }
            }
            for (Gateway g : gateways.values()) {
                Instant t = g.session.pollTimeout();
                if (t != null && !t.isAfter(now)) {
                    g.session.handleTimeout(now);
                }
            }
        }
        now = until.isAfter(now) ? until : now;
    }

    /** Virtual time since the start, for the log. */
    private String at() {
        Duration d = Duration.between(START, now);
        return String.format("[%d.%03d s]", d.toSeconds(), d.toMillisPart());
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private void drainAll() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Endpoint e : endpoints) {
                progress |= drain(e);
            }
            for (Gateway g : gateways.values()) {
                progress |= drain(g);
            }
        }
    }

    private boolean drain(Endpoint ep) {
        boolean progress = false;
        ClientSession s = ep.session;
        for (Transmit t = s.pollTransmit(); t != null; t = s.pollTransmit()) {
            progress = true;
            send(ep.host, t);
        }
        for (byte[] b = s.pollTunPacket(); b != null; b = s.pollTunPacket()) {
            progress = true;
            toApplication(ep, b);
        }
        for (ClientToPortal m = s.pollPortalMessage(); m != null; m = s.pollPortalMessage()) {
            progress = true;
            int link = ep.link;
            ClientToPortal message = m;
            if (ep.joined) {
                schedule(PORTAL_LATENCY, () -> {
                    if (ep.link == link) {
                        portal.fromClient(ep.spec, message);
                    }
                });
            }
        }
        for (ClientSessionEvent e = s.pollEvent(); e != null; e = s.pollEvent()) {
            progress = true;
            switch (e) {
                case ClientEvent.TunConfigChanged(TunConfig c) -> ep.lastTunConfig = c;
                case ClientEvent.ResourcesChanged(List<Resource> rs) -> ep.lastResources = rs;
                case ClientEvent.UpstreamDnsQuery q -> schedule(UPSTREAM_LATENCY, () -> s.handleUpstreamResult(
                        q.queryId(), new UpstreamResult.Response(answerFromZone(World.ZONE_PUBLIC, q.query())), now));
                case ClientSessionEvent.AuthorizationFailed f ->
                        log.add("    " + at() + " client " + ep.index + ": authorization of " + f.resourceId() + " failed: "
                                + f.reason());
                case ClientSessionEvent.Connection(PeerEvent pe) -> onConnectionEvent(ep, pe);
            }
        }
        return progress;
    }

    private void onConnectionEvent(Endpoint ep, PeerEvent e) {
        String client = "    " + at() + " client " + ep.index + " ";
        switch (e) {
            case PeerEvent.ConnectionEstablished(UUID g, var path) -> {
                paths.add(new PathSeen(ep.spec.id(), g, path));
                log.add(client + "connected to gateway " + Portal.shortId(g) + " " + path.pathType());
            }
            case PeerEvent.PathChanged(UUID g, var path) -> {
                paths.add(new PathSeen(ep.spec.id(), g, path));
                log.add(client + "moved to " + path.pathType() + " for gateway " + Portal.shortId(g));
            }
            case PeerEvent.ConnectionFailed(UUID g, String reason) ->
                    log.add(client + "lost gateway " + Portal.shortId(g) + ": " + reason);
            case PeerEvent.ConnectionClosed(UUID g) -> log.add(client + "closed gateway " + Portal.shortId(g));
            default -> {
            }
        }
    }

    private boolean drain(Gateway g) {
        boolean progress = false;
        GatewaySession s = g.session;
        for (Transmit t = s.pollTransmit(); t != null; t = s.pollTransmit()) {
            progress = true;
            send(g.host, t);
        }
        for (byte[] b = s.pollTunPacket(); b != null; b = s.pollTunPacket()) {
            progress = true;
            byte[] packet = b;
            schedule(HOST_LATENCY, () -> toHost(g, s, packet));
        }
        for (GatewayToPortal m = s.pollPortalMessage(); m != null; m = s.pollPortalMessage()) {
            progress = true;
            int link = g.link;
            GatewayToPortal message = m;
            if (g.joined) {
                schedule(PORTAL_LATENCY, () -> {
                    if (g.link == link) {
                        portal.fromGateway(g.spec, message);
                    }
                });
            }
        }
        for (GatewaySessionEvent e = s.pollEvent(); e != null; e = s.pollEvent()) {
            progress = true;
            switch (e) {
                case GatewaySessionEvent.Connection(PeerEvent.ConnectionClosed(UUID c)) ->
                        log.add("    gateway " + g.spec.id() + " closes the connection");
                case GatewaySessionEvent.AuthorizationRefused r ->
                        log.add("    gateway " + Portal.shortId(g.spec.id()) + " refused: " + r.reason());
                case GatewaySessionEvent.InterfaceChanged c -> {
                    if (!c.iface().ipv4().equals(g.spec.v4()) || !c.iface().ipv6().equals(g.spec.v6())) {
                        throw new AssertionError("gateway got another interface: " + c.iface());
                    }
                }
                default -> {
                }
            }
        }
        return progress;
    }

    /** A datagram leaves a host's socket; it may only come from the address the socket has. */
    private void send(VirtualNetwork.Host host, Transmit t) {
        if (t.source() != null && !t.source().equals(host.local)) {
            throw new AssertionError("transmit from an address the host does not have (" + host + "): " + t);
        }
        host.send(t.destination(), t.payload());
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
    private void toHost(Gateway g, GatewaySession s, byte[] b) {
        if (!(IpPacket.parse(b) instanceof ParseResult.Parsed(IpPacket p))) {
            throw new AssertionError("gateway wrote a malformed packet");
        }
        if (!p.checksumsValid()) {
            throw new AssertionError("gateway wrote a packet with a bad checksum: " + p);
        }
        UUID site = g.spec.site();
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
                if (g.session == s) {
                    s.handleTunInput(answer.bytes(), now);
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
        carriedBy.put(token, g.spec.id());
        reachedHost.put(token, dst);
        schedule(HOST_LATENCY, () -> {
            if (g.session == s) {
                s.handleTunInput(reply.bytes(), now);
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

    private Endpoint endpoint(UUID clientId) {
        return endpoints.stream().filter(e -> e.spec.id().equals(clientId)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ invariants

    private void check(Endpoint e) {
        Set<String> routes = new TreeSet<>(e.session.tunConfig().routes().stream().map(IpPrefix::toString).toList());
        expect("routes of " + e.spec.id(), e.model.routes(), routes);
        expect("TUN config event", e.session.tunConfig(), e.lastTunConfig);
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
            throw new AssertionError(what + ": expected " + expected + " but was " + actual + "\n" + describe()
                    + "\nafter " + String.join("\n  ", log));
        }
    }

    /** The network of the run, for failure messages. */
    String describe() {
        return "network: clients " + net.clientNats() + ", gateways " + net.gatewayNats() + ", loss " + net.loss()
                + ", seed " + net.seed() + ", NAT timeout " + net.natTimeout() + "; " + network.sent
                + " datagrams sent, " + network.lost + " lost";
    }

    /** Paths the client's connections to the gateway took (established or moved to), in order. */
    List<NominatedPair> pathsOf(UUID clientId, UUID gatewayId) {
        return paths.stream().filter(p -> p.client().equals(clientId) && p.gateway().equals(gatewayId))
                .map(PathSeen::pair).toList();
    }

    int observations() {
        return counter;
    }
}
