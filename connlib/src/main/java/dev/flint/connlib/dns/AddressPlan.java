package dev.flint.connlib.dns;

import dev.flint.connlib.net.IpPrefix;
import java.net.InetAddress;

/** Firezone's address plan (reference §3.1): tunnel, proxy and sentinel ranges. */
public final class AddressPlan {
    public static final IpPrefix TUNNEL_V4 = IpPrefix.parse("100.64.0.0/11");
    public static final IpPrefix TUNNEL_V6 = IpPrefix.parse("fd00:2021:1111::/107");
    public static final IpPrefix PROXY_V4 = IpPrefix.parse("100.96.0.0/11");
    public static final IpPrefix PROXY_V6 = IpPrefix.parse("fd00:2021:1111:8000::/107");
    public static final IpPrefix SENTINELS_V4 = IpPrefix.parse("100.100.111.0/24");
    public static final IpPrefix SENTINELS_V6 = IpPrefix.parse("fd00:2021:1111:8000:100:100:111:0/120");
    /** The gateway's in-tunnel DNS server port for SRV/TXT and other forwarded queries. */
    public static final int GATEWAY_DNS_PORT = 53535;

    private AddressPlan() {}

    public static boolean isTunnel(InetAddress a) {
        return TUNNEL_V4.contains(a) || TUNNEL_V6.contains(a);
    }

    public static boolean isProxy(InetAddress a) {
        return (PROXY_V4.contains(a) || PROXY_V6.contains(a)) && !isSentinel(a);
    }

    public static boolean isSentinel(InetAddress a) {
        return SENTINELS_V4.contains(a) || SENTINELS_V6.contains(a);
    }
}
