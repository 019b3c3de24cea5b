package dev.flint.connlib.tunnel;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.dns.Upstream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** What the shell configures on the TUN device: addresses, DNS servers (the sentinels), search domain, routes. */
public record TunConfig(Inet4Address ipv4, Inet6Address ipv6, Map<InetAddress, Upstream> dnsBySentinel,
                        String searchDomain, List<IpPrefix> routes) {
    public TunConfig {
        dnsBySentinel = Map.copyOf(dnsBySentinel);
        routes = List.copyOf(routes);
    }
}
