package dev.flint.connlib.portal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The client's tunnel interface and DNS settings. {@code upstreamDns} is the legacy mirror of
 * {@code upstreamDo53}, used only when that is empty; all three empty means "use the OS resolvers".
 */
public record Interface(Inet4Address ipv4, Inet6Address ipv6, List<InetAddress> upstreamDo53,
                        List<String> upstreamDoh, List<InetSocketAddress> upstreamDns, String searchDomain) {

    public Interface {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
        upstreamDo53 = List.copyOf(upstreamDo53);
        upstreamDoh = List.copyOf(upstreamDoh);
        upstreamDns = List.copyOf(upstreamDns);
    }

    /** The plain-DNS resolvers to use: {@code upstream_do53}, else the legacy {@code upstream_dns}. */
    public List<InetSocketAddress> effectiveDo53() {
        if (!upstreamDo53.isEmpty()) {
            return upstreamDo53.stream().map(ip -> new InetSocketAddress(ip, 53)).toList();
        }
        return upstreamDns;
    }
}
