package dev.flint.devstack.topology;

import dev.flint.devstack.netns.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * The demo topology's addresses (IPv4; see package-info for the picture). Public addresses come from
 * 198.18.0.0/15 (reserved for benchmarking, never routed on the internet), the sites use RFC 1918 ranges, and
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

    /** The client's home network behind its NAT router. */
    public static final IpPrefix CLIENT_LAN = IpPrefix.parse("10.10.1.0/24");
    public static final IpPrefix CLIENT_NAT_LAN = CLIENT_LAN.host(1);
    public static final IpPrefix CLIENT = CLIENT_LAN.host(2);

    /** The gateway's site network behind its NAT router. */
    public static final IpPrefix GATEWAY_LAN = IpPrefix.parse("10.10.2.0/24");
    public static final IpPrefix GATEWAY_NAT_LAN = GATEWAY_LAN.host(1);
    public static final IpPrefix GATEWAY = GATEWAY_LAN.host(2);

    /** The protected resource network, reachable from the gateway. */
    public static final IpPrefix RESOURCES = IpPrefix.parse("172.20.0.0/24");
    public static final IpPrefix GATEWAY_RESOURCE_SIDE = RESOURCES.host(1);
    public static final IpPrefix WEB = RESOURCES.host(10);
    public static final IpPrefix IPERF = RESOURCES.host(11);
    public static final IpPrefix DNS = RESOURCES.host(53);

    public static final int WEB_PORT = 80;
    public static final int IPERF_PORT = 5201;
    public static final int DNS_PORT = 53;
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
        String row = "%-14s %-16s %s%n";
        return row.formatted("internet", INTERNET, "bridge in the internet namespace, router " + a(INTERNET_ROUTER))
            + row.formatted("  relay", a(RELAY), "coturn udp/" + RELAY_PORT + ", relay ports " + RELAY_MIN_PORT + "-"
                + RELAY_MAX_PORT + ", realm firezone")
            + row.formatted("  portal", a(PORTAL), "for the portal emulator")
            + row.formatted("  client NAT", a(CLIENT_NAT_WAN), "lan side " + a(CLIENT_NAT_LAN))
            + row.formatted("  gateway NAT", a(GATEWAY_NAT_WAN), "lan side " + a(GATEWAY_NAT_LAN))
            + row.formatted("client LAN", CLIENT_LAN, "client " + a(CLIENT))
            + row.formatted("gateway LAN", GATEWAY_LAN, "gateway " + a(GATEWAY))
            + row.formatted("resources", RESOURCES, "gateway side " + a(GATEWAY_RESOURCE_SIDE))
            + row.formatted("  web", a(WEB), "http tcp/" + WEB_PORT + "  web." + DOMAIN + ", *." + WILDCARD_DOMAIN)
            + row.formatted("  iperf3", a(IPERF), "tcp/" + IPERF_PORT + "  iperf." + DOMAIN)
            + row.formatted("  dns", a(DNS), "dnsmasq udp+tcp/" + DNS_PORT + "  dns." + DOMAIN + ", zone " + DOMAIN);
    }

    private static String a(IpPrefix prefix) {
        return prefix.addressText();
    }
}
