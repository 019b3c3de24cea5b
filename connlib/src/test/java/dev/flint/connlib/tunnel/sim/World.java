package dev.flint.connlib.tunnel.sim;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.IpStack;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The fixed universe the simulation draws from: sites with their gateways, networks, DNS zones and hosts, the public
 * zone behind the upstream resolver, and the menus of patterns, CIDRs, filters and probe ports.
 */
final class World {
    static final UUID SITE_A = uuid(0xA);
    static final UUID SITE_B = uuid(0xB);
    static final UUID SITE_INTERNET = uuid(0x1);
    static final UUID GW_A1 = uuid(0xA1);
    static final UUID GW_A2 = uuid(0xA2);
    static final UUID GW_B1 = uuid(0xB1);
    static final UUID GW_I1 = uuid(0x11);
    static final UUID CLIENT = uuid(0xC);
    static final UUID INTERNET_RESOURCE = uuid(0x1001);

    static final Inet4Address CLIENT_V4 = (Inet4Address) ip("100.64.0.1");
    static final Inet6Address CLIENT_V6 = (Inet6Address) ip("fd00:2021:1111::1");

    record ClientSpec(UUID id, Inet4Address v4, Inet6Address v6) {}

    /** Two devices of the same account: same resources, their own proxy addresses, toggles and connections. */
    static final List<ClientSpec> CLIENTS = List.of(new ClientSpec(CLIENT, CLIENT_V4, CLIENT_V6),
            new ClientSpec(uuid(0xC2), (Inet4Address) ip("100.64.0.2"), (Inet6Address) ip("fd00:2021:1111::2")));
    static final InetAddress UPSTREAM = ip("192.0.2.53");
    static final InetAddress UPSTREAM_V6 = ip("2001:db8::53");
    /** Portal-configured resolvers: hosts on the Internet, so reached through the tunnel while that is on. */
    static final InetAddress PORTAL_DNS = ip("198.51.100.53");
    static final InetAddress PORTAL_DNS_V6 = ip("2001:db8::5353");

    record GatewaySpec(UUID id, UUID site, Inet4Address v4, Inet6Address v6) {}

    static final List<GatewaySpec> GATEWAYS = List.of(
            new GatewaySpec(GW_A1, SITE_A, (Inet4Address) ip("100.64.0.11"), (Inet6Address) ip("fd00:2021:1111::11")),
            new GatewaySpec(GW_A2, SITE_A, (Inet4Address) ip("100.64.0.12"), (Inet6Address) ip("fd00:2021:1111::12")),
            new GatewaySpec(GW_B1, SITE_B, (Inet4Address) ip("100.64.0.21"), (Inet6Address) ip("fd00:2021:1111::21")),
            new GatewaySpec(GW_I1, SITE_INTERNET, (Inet4Address) ip("100.64.0.31"),
                    (Inet6Address) ip("fd00:2021:1111::31")));

    /** What each site's gateways can reach. */
    static final Map<UUID, List<IpPrefix>> SITE_NETWORKS = Map.of(
            SITE_A, List.of(IpPrefix.parse("10.0.1.0/24"), IpPrefix.parse("10.0.3.0/24"), IpPrefix.parse("fd10:a::/64")),
            SITE_B, List.of(IpPrefix.parse("10.0.2.0/24"), IpPrefix.parse("fd10:b::/64")),
            SITE_INTERNET, List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("2001:db8::/32")));

    /** DNS zones: per site (what gateways there resolve) and the public one behind the upstream. */
    record Zone(Map<String, List<RData>> records) {
        List<RData> lookup(String name, int type) {
            List<RData> all = records.getOrDefault(name, List.of());
            return all.stream().filter(r -> typeOf(r) == type).toList();
        }

        boolean has(String name) {
            return records.containsKey(name);
        }

        List<InetAddress> addresses(String name) {
            List<InetAddress> l = new ArrayList<>();
            for (RData r : records.getOrDefault(name, List.of())) {
                if (r instanceof RData.A a) {
                    l.add(a.address());
                } else if (r instanceof RData.Aaaa a) {
                    l.add(a.address());
                }
            }
            return l;
        }
    }

    static final Zone ZONE_A = new Zone(Map.of(
            "app.a.test", List.of(a("10.0.1.10"), aaaa("fd10:a::10"), new RData.Txt(List.of("site-a app"))),
            "db.a.test", List.of(a("10.0.1.11"), a("10.0.1.13")),
            "x.y.a.test", List.of(a("10.0.1.12"), aaaa("fd10:a::12"),
                    new RData.Srv(0, 5, 5432, "db.a.test")),
            "v6.a.test", List.of(aaaa("fd10:a::16"))));

    static final Zone ZONE_B = new Zone(Map.of(
            "web.b.test", List.of(a("10.0.2.10"), aaaa("fd10:b::10"), new RData.Srv(1, 1, 443, "web.b.test")),
            "svc.b.test", List.of(a("10.0.2.11"), new RData.Txt(List.of("site-b", "svc")))));

    static final Zone ZONE_PUBLIC = new Zone(Map.of(
            "www.public.test", List.of(a("198.51.100.7"), aaaa("2001:db8::7")),
            "app.a.test", List.of(a("203.0.113.66")),
            "mail.public.test", List.of(new RData.Mx(10, "www.public.test"))));

    static Zone zoneOf(UUID site) {
        return site.equals(SITE_A) ? ZONE_A : site.equals(SITE_B) ? ZONE_B : ZONE_PUBLIC;
    }

    /** Hosts answering probes: every A/AAAA of the site zones and the public zone, plus some CIDR-only hosts. */
    static final List<InetAddress> HOSTS = List.of(
            ip("10.0.1.10"), ip("fd10:a::10"), ip("10.0.1.11"), ip("10.0.1.13"), ip("10.0.1.12"), ip("fd10:a::12"),
            ip("fd10:a::16"), ip("10.0.2.10"), ip("fd10:b::10"), ip("10.0.2.11"), ip("198.51.100.7"),
            ip("2001:db8::7"), ip("10.0.3.5"), ip("10.0.2.99"), ip("fd10:b::99"), ip("198.51.100.200"),
            PORTAL_DNS, PORTAL_DNS_V6);

    /** Destinations probes pick from besides proxy addresses (some unreachable or non-existent on purpose). */
    static final List<InetAddress> PROBE_TARGETS = List.of(
            ip("10.0.1.10"), ip("10.0.3.5"), ip("10.0.2.99"), ip("fd10:b::99"), ip("198.51.100.7"),
            ip("2001:db8::7"), ip("198.51.100.200"), ip("10.9.9.9"), ip("10.0.3.77"), ip("203.0.113.66"),
            ip("100.96.255.1"));

    static final List<String> NAMES = List.of("app.a.test", "db.a.test", "x.y.a.test", "v6.a.test", "web.b.test",
            "svc.b.test", "www.public.test", "mail.public.test", "nothing.a.test", "use-application-dns.net");

    static final List<String> PATTERNS = List.of("app.a.test", "*.a.test", "**.a.test", "?pp.a.test", "x.*.a.test",
            "*.b.test", "web.b.test", "**.test", "v6.a.test");

    record CidrSpec(String cidr, UUID site) {}

    /** Non-overlapping, each inside the network of its site. */
    static final List<CidrSpec> CIDRS = List.of(
            new CidrSpec("10.0.1.0/24", SITE_A), new CidrSpec("10.0.3.0/24", SITE_A),
            new CidrSpec("10.0.2.0/25", SITE_B), new CidrSpec("fd10:b::/64", SITE_B));

    static final List<List<Filter>> FILTERS = List.of(
            List.of(), List.of(new Filter.Tcp(80, 80)), List.of(new Filter.Udp(50, 60)), List.of(new Filter.Icmp()),
            List.of(new Filter.Tcp(0, 65535), new Filter.Icmp()));

    static final List<IpStack> STACKS = List.of(IpStack.DUAL, IpStack.IPV4_ONLY, IpStack.IPV6_ONLY);

    static final List<Integer> QTYPES = List.of(RecordType.A, RecordType.AAAA, RecordType.SRV, RecordType.TXT,
            RecordType.PTR, RecordType.MX, RecordType.HTTPS);

    static int typeOf(RData r) {
        return switch (r) {
            case RData.A x -> RecordType.A;
            case RData.Aaaa x -> RecordType.AAAA;
            case RData.Txt x -> RecordType.TXT;
            case RData.Srv x -> RecordType.SRV;
            case RData.Mx x -> RecordType.MX;
            case RData.Cname x -> RecordType.CNAME;
            case RData.Ptr x -> RecordType.PTR;
            default -> -1;
        };
    }

    static UUID uuid(long n) {
        return new UUID(0, n);
    }

    static InetAddress ip(String s) {
        try {
            return IpPrefix.parse(s).address();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RData a(String s) {
        return new RData.A((Inet4Address) ip(s));
    }

    private static RData aaaa(String s) {
        return new RData.Aaaa((Inet6Address) ip(s));
    }

    private World() {}
}
