package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DomainPattern;
import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.dns.ReverseName;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.IpStack;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A deliberately simple model of what a user of the tunnel should see: which resources exist, the routes, proxy
 * addresses handed out in order, and for every probe and DNS query the expected outcome. It knows nothing about
 * authorizations, connections, buffering or NAT sessions — if those work, they are invisible.
 */
final class ReferenceModel {
    enum Kind { DNS, CIDR, INTERNET }

    record Res(UUID id, Kind kind, String address, UUID site, List<Filter> filters, IpStack stack) {}

    /** The account's resources, shared by every client's model. */
    final Map<UUID, Res> resources;
    boolean internetActive;
    /** Names in the order they were first answered with proxy addresses. */
    final List<String> allocated = new ArrayList<>();

    private static final List<IpPrefix> NOT_INTERNET = List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("100.64.0.0/10"),
            IpPrefix.parse("172.16.0.0/12"), IpPrefix.parse("192.168.0.0/16"), IpPrefix.parse("fc00::/7"));

    ReferenceModel(Map<UUID, Res> resources) {
        this.resources = resources;
    }

    // ------------------------------------------------------------------ proxy addresses

    /** The n-th name gets 100.96.0.(4n+1..4n+4) and fd00:2021:1111:8000::(4n..4n+3); no name list gets near the sentinels. */
    List<InetAddress> proxies(String name, boolean v4) {
        int n = allocated.indexOf(name);
        List<InetAddress> l = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            l.add(v4 ? World.ip("100.96." + ((4 * n + 1 + i) / 256) + "." + ((4 * n + 1 + i) % 256))
                    : World.ip("fd00:2021:1111:8000::" + Integer.toHexString(4 * n + i)));
        }
        return l;
    }

    Optional<String> nameOfProxy(InetAddress a) {
        for (String n : allocated) {
            if (proxies(n, true).contains(a) || proxies(n, false).contains(a)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Every proxy address handed out so far, in order (probe targets). */
    List<InetAddress> allProxies() {
        List<InetAddress> l = new ArrayList<>();
        for (String n : allocated) {
            l.addAll(proxies(n, true));
            l.addAll(proxies(n, false));
        }
        return l;
    }

    // ------------------------------------------------------------------ DNS

    List<Res> dnsMatching(String name) {
        return resources.values().stream().filter(r -> r.kind == Kind.DNS && DomainPattern.of(r.address).matches(name))
                .sorted(Comparator.comparing((Res r) -> DomainPattern.of(r.address)).thenComparing(Res::id)).toList();
    }

    Outcome dns(String name, int qtype) {
        if (name.equals("use-application-dns.net")) {
            return new Outcome.DnsAnswer(Rcode.NXDOMAIN, List.of());
        }
        if (qtype == RecordType.PTR) {
            Optional<InetAddress> ip = ReverseName.parse(name);
            Optional<String> target = ip.flatMap(this::nameOfProxy);
            if (target.isPresent()) {
                return new Outcome.DnsAnswer(Rcode.NOERROR, List.of(show(new RData.Ptr(target.get()))));
            }
            return upstream(name, qtype);
        }
        List<Res> matches = dnsMatching(name);
        if (matches.isEmpty()) {
            return upstream(name, qtype);
        }
        return switch (qtype) {
            case RecordType.A, RecordType.AAAA -> {
                if (!allocated.contains(name)) {
                    allocated.add(name);
                }
                boolean v4 = qtype == RecordType.A;
                boolean served = matches.stream().anyMatch(r -> v4 ? r.stack != IpStack.IPV6_ONLY
                        : r.stack != IpStack.IPV4_ONLY);
                List<String> answers = new ArrayList<>();
                if (served) {
                    for (InetAddress a : proxies(name, v4)) {
                        answers.add(v4 ? "A " + a.getHostAddress() : "AAAA " + a.getHostAddress());
                    }
                }
                yield new Outcome.DnsAnswer(Rcode.NOERROR, sorted(answers));
            }
            case RecordType.HTTPS -> new Outcome.DnsAnswer(Rcode.NOERROR, List.of());
            case RecordType.SRV, RecordType.TXT -> zoneAnswer(World.zoneOf(matches.getFirst().site), name, qtype);
            default -> upstream(name, qtype);
        };
    }

    private Outcome upstream(String name, int qtype) {
        return zoneAnswer(World.ZONE_PUBLIC, name, qtype);
    }

    static Outcome zoneAnswer(World.Zone zone, String name, int qtype) {
        if (!zone.has(name)) {
            return new Outcome.DnsAnswer(Rcode.NXDOMAIN, List.of());
        }
        return new Outcome.DnsAnswer(Rcode.NOERROR, sorted(zone.lookup(name, qtype).stream().map(ReferenceModel::show)
                .toList()));
    }

    static String show(RData d) {
        return switch (d) {
            case RData.A a -> "A " + a.address().getHostAddress();
            case RData.Aaaa a -> "AAAA " + a.address().getHostAddress();
            case RData.Ptr p -> "PTR " + p.target();
            case RData.Txt t -> "TXT " + t.strings();
            case RData.Srv s -> "SRV " + s.priority() + " " + s.weight() + " " + s.port() + " " + s.target();
            case RData.Mx m -> "MX " + m.preference() + " " + m.exchange();
            default -> d.toString();
        };
    }

    private static List<String> sorted(List<String> l) {
        return List.copyOf(new TreeSet<>(l));
    }

    // ------------------------------------------------------------------ probes

    Outcome probe(InetAddress dst, int kind) {
        boolean v4 = dst instanceof Inet4Address;
        if (AddressPlan.PROXY_V4.contains(dst) || AddressPlan.PROXY_V6.contains(dst)) {
            Optional<String> name = nameOfProxy(dst);
            if (name.isEmpty()) {
                return new Outcome.Dropped();
            }
            List<Res> candidates = resources.values().stream()
                    .filter(r -> r.kind == Kind.DNS && DomainPattern.of(r.address).matches(name.get()))
                    .filter(r -> v4 ? r.stack != IpStack.IPV6_ONLY : r.stack != IpStack.IPV4_ONLY)
                    .sorted(Comparator.comparingInt((Res r) -> permits(r.filters, kind) ? 0 : 1)
                            .thenComparing(Res::id))
                    .toList();
            if (candidates.isEmpty()) {
                return new Outcome.Dropped();
            }
            Res chosen = candidates.getFirst();
            if (!permits(chosen.filters, kind)) {
                return new Outcome.Prohibited();
            }
            List<InetAddress> real = World.zoneOf(chosen.site).addresses(name.get()).stream()
                    .filter(a -> (a instanceof Inet4Address) == v4).toList();
            if (real.isEmpty()) {
                return new Outcome.Unreachable();
            }
            int index = proxies(name.get(), v4).indexOf(dst);
            return deliver(chosen.site, real.get(index % real.size()));
        }
        List<Res> cidrs = resources.values().stream()
                .filter(r -> r.kind == Kind.CIDR && IpPrefix.parse(r.address).network().contains(dst)).toList();
        if (!cidrs.isEmpty()) {
            Res chosen = cidrs.getFirst(); // the menu has no overlapping networks
            if (!permits(chosen.filters, kind)) {
                return new Outcome.Prohibited();
            }
            return deliver(chosen.site, dst);
        }
        Optional<Res> internet = resources.values().stream().filter(r -> r.kind == Kind.INTERNET).findFirst();
        if (internetActive && internet.isPresent() && !AddressPlan.isTunnel(dst) && !AddressPlan.PROXY_V4.contains(dst)
                && !AddressPlan.PROXY_V6.contains(dst)) {
            if (NOT_INTERNET.stream().anyMatch(n -> n.contains(dst))) {
                return new Outcome.Unreachable();
            }
            return deliver(World.SITE_INTERNET, dst);
        }
        return new Outcome.Dropped();
    }

    private static Outcome deliver(UUID site, InetAddress host) {
        boolean reachable = World.HOSTS.contains(host)
                && World.SITE_NETWORKS.get(site).stream().anyMatch(n -> n.contains(host));
        return reachable ? new Outcome.Delivered(site, host) : new Outcome.Dropped();
    }

    static boolean permits(List<Filter> filters, int kind) {
        if (filters.isEmpty()) {
            return true;
        }
        for (Filter f : filters) {
            boolean ok = switch (f) {
                case Filter.Icmp i -> kind == 0;
                case Filter.Udp(int s, int e) -> (kind == 1 && 55 >= s && 55 <= e) || (kind == 2 && 9999 >= s
                        && 9999 <= e);
                case Filter.Tcp(int s, int e) -> (kind == 3 && 80 >= s && 80 <= e) || (kind == 4 && 443 >= s
                        && 443 <= e);
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ routes and resources

    Set<String> routes() {
        Set<String> s = new TreeSet<>();
        for (String r : List.of("100.64.0.0/11", "fd00:2021:1111::/107", "100.96.0.0/11", "fd00:2021:1111:8000::/107",
                "100.100.111.0/24", "fd00:2021:1111:8000:100:100:111:0/120")) {
            s.add(IpPrefix.parse(r).network().toString());
        }
        for (Res r : resources.values()) {
            if (r.kind == Kind.CIDR) {
                s.add(IpPrefix.parse(r.address).network().toString());
            }
        }
        if (internetActive && resources.values().stream().anyMatch(r -> r.kind == Kind.INTERNET)) {
            s.add(IpPrefix.parse("0.0.0.0/0").toString());
            s.add(IpPrefix.parse("::/0").toString());
        }
        return s;
    }

    Set<UUID> resourceIds() {
        return Set.copyOf(resources.keySet());
    }
}
