package dev.flint.devstack.topology;

import dev.flint.connlib.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * The demo topology's addresses (see package-info for the picture): dual-stack internet and sites, NAT66 like NAT44,
 * an IPv4 resource network. Public addresses come from
 * 198.18.0.0/15 (reserved for benchmarking, never routed on the internet) and 2001:db8::/32 (documentation), the
 * sites use RFC 1918 and unique-local ranges, and
 * nothing overlaps the ranges Firezone reserves for tunnels, proxy IPs and DNS sentinels (100.64.0.0/10).
 */
public final class AddressPlan {

    private AddressPlan() {
    }

    /** The "internet": a bridge in the internet namespace. */
    public static final IpPrefix INTERNET = IpPrefix.parse("198.18.0.0/24");
    public static final IpPrefix INTERNET_ROUTER = INTERNET.host(1);
    public static final IpPrefix CLIENT_NAT_WAN = INTERNET.host(2);
    public static final IpPrefix GATEWAY_NAT_WAN = INTERNET.host(3);
    public static final IpPrefix PORTAL = INTERNET.host(5);
    public static final IpPrefix RELAY = INTERNET.host(10);
    /** The second relay, when the devstack has two (relay failover). */
    public static final IpPrefix RELAY2 = INTERNET.host(11);

    /** The internet's IPv6 network (documentation prefix); host n is written ::n, as in IPv4. */
    public static final IpPrefix INTERNET6 = IpPrefix.parse("2001:db8:18::/64");
    public static final IpPrefix INTERNET_ROUTER6 = IpPrefix.parse("2001:db8:18::1/64");
    public static final IpPrefix CLIENT_NAT_WAN6 = IpPrefix.parse("2001:db8:18::2/64");
    public static final IpPrefix GATEWAY_NAT_WAN6 = IpPrefix.parse("2001:db8:18::3/64");
    public static final IpPrefix PORTAL6 = IpPrefix.parse("2001:db8:18::5/64");
    public static final IpPrefix RELAY6 = IpPrefix.parse("2001:db8:18::10/64");
    public static final IpPrefix RELAY2_6 = IpPrefix.parse("2001:db8:18::11/64");

    /** The client's home network behind its NAT router. */
    public static final IpPrefix CLIENT_LAN = IpPrefix.parse("10.10.1.0/24");
    public static final IpPrefix CLIENT_NAT_LAN = CLIENT_LAN.host(1);
    public static final IpPrefix CLIENT = CLIENT_LAN.host(2);
    public static final IpPrefix CLIENT_LAN6 = IpPrefix.parse("fd10:10:1::/64");
    public static final IpPrefix CLIENT6 = CLIENT_LAN6.host(2);

    /** The gateway's site network behind its NAT router. */
    public static final IpPrefix GATEWAY_LAN = IpPrefix.parse("10.10.2.0/24");
    public static final IpPrefix GATEWAY_NAT_LAN = GATEWAY_LAN.host(1);
    public static final IpPrefix GATEWAY = GATEWAY_LAN.host(2);
    public static final IpPrefix GATEWAY_LAN6 = IpPrefix.parse("fd10:10:2::/64");
    public static final IpPrefix GATEWAY6 = GATEWAY_LAN6.host(2);

    /** The protected resource network, reachable from the gateway (IPv4 only). */
    public static final IpPrefix RESOURCES = IpPrefix.parse("172.20.0.0/24");
    public static final IpPrefix GATEWAY_RESOURCE_SIDE = RESOURCES.host(1);
    public static final IpPrefix WEB = RESOURCES.host(10);
    public static final IpPrefix IPERF = RESOURCES.host(11);
    public static final IpPrefix DNS = RESOURCES.host(53);

    public static final int WEB_PORT = 80;
    /** The web server's port that answers every request with a response cut short by a TCP reset. */
    public static final int RESET_PORT = 8080;
    public static final int IPERF_PORT = 5201;
    public static final int DNS_PORT = 53;
    public static final int PORTAL_PORT = 8081;
    public static final int RELAY_PORT = 3478;
    public static final int RELAY_MIN_PORT = 49152;
    public static final int RELAY_MAX_PORT = 49999;

    /** The DNS zone of the resources, answered by the resource network's DNS server. */
    public static final String DOMAIN = "flint.test";

    /** A name and the address it resolves to. */
    public record HostName(String name, InetAddress address) {
    }

    /** What the resource DNS server answers ({@code *.wild.flint.test} resolves to the web server as well). */
    public static final List<HostName> RESOURCE_NAMES = List.of(
        new HostName("web." + DOMAIN, WEB.address()),
        new HostName("iperf." + DOMAIN, IPERF.address()),
        new HostName("dns." + DOMAIN, DNS.address()));

    public static final String WILDCARD_DOMAIN = "wild." + DOMAIN;

    /** The plan as the table {@code flint devstack up} prints. */
    public static String describe() {
        String row = "%-14s %-15s %-17s %s%n";
        return row.formatted("internet", INTERNET, INTERNET6, "bridge in the internet namespace, router ::1 / .1")
            + row.formatted("  relay", a(RELAY), a(RELAY6), "coturn udp/" + RELAY_PORT + ", relay ports "
                + RELAY_MIN_PORT + "-" + RELAY_MAX_PORT + ", realm firezone")
            + row.formatted("  relay2", a(RELAY2), a(RELAY2_6), "a second coturn with --second-relay (failover)")
            + row.formatted("  portal", a(PORTAL), a(PORTAL6), "portal emulator http+ws tcp/" + PORTAL_PORT)
            + row.formatted("  client NAT", a(CLIENT_NAT_WAN), a(CLIENT_NAT_WAN6), "lan side .1 / ::1")
            + row.formatted("  gateway NAT", a(GATEWAY_NAT_WAN), a(GATEWAY_NAT_WAN6), "lan side .1 / ::1")
            + row.formatted("client LAN", CLIENT_LAN, CLIENT_LAN6, "client " + a(CLIENT) + ", " + a(CLIENT6))
            + row.formatted("gateway LAN", GATEWAY_LAN, GATEWAY_LAN6, "gateway " + a(GATEWAY) + ", " + a(GATEWAY6))
            + row.formatted("resources", RESOURCES, "-", "gateway side " + a(GATEWAY_RESOURCE_SIDE))
            + row.formatted("  web", a(WEB), "", "http tcp/" + WEB_PORT + ", resets tcp/" + RESET_PORT + "  web." + DOMAIN + ", *." + WILDCARD_DOMAIN)
            + row.formatted("  iperf3", a(IPERF), "", "tcp/" + IPERF_PORT + "  iperf." + DOMAIN)
            + row.formatted("  dns", a(DNS), "", "dnsmasq udp+tcp/" + DNS_PORT + "  dns." + DOMAIN + ", zone "
                + DOMAIN);
    }

    private static String a(IpPrefix prefix) {
        return prefix.addressText();
    }
}
