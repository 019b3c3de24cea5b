package dev.flint.connlib.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Hands out proxy addresses sequentially, 4 IPv4 + 4 IPv6 per distinct name on first use, from 100.96.0.1 and
 * fd00:2021:1111:8000:: upwards, skipping the sentinel ranges and never reusing an address. One allocator lives as
 * long as the process so a name keeps its addresses across sessions.
 */
public final class ProxyIpAllocator {
    public static final int PER_FAMILY = 4;

    private final Map<String, ProxyIps> byName = new HashMap<>();
    private final Map<InetAddress, String> byAddress = new HashMap<>();
    private long nextV4 = 1;
    private long nextV6 = 0;

    /** The addresses of {@code name}, allocating them on first use; empty once the ranges are exhausted. */
    public synchronized Optional<ProxyIps> allocate(String name) {
        String key = key(name);
        ProxyIps existing = byName.get(key);
        if (existing != null) {
            return Optional.of(existing);
        }
        List<Inet4Address> v4 = new ArrayList<>();
        List<Inet6Address> v6 = new ArrayList<>();
        while (v4.size() < PER_FAMILY) {
            if (nextV4 >= AddressPlan.PROXY_V4.size() - 1) { // never the broadcast address
                return Optional.empty();
            }
            InetAddress a = AddressPlan.PROXY_V4.addressAt(nextV4++);
            if (!AddressPlan.isSentinel(a)) {
                v4.add((Inet4Address) a);
            }
        }
        while (v6.size() < PER_FAMILY) {
            if (nextV6 >= AddressPlan.PROXY_V6.size()) {
                return Optional.empty();
            }
            InetAddress a = AddressPlan.PROXY_V6.addressAt(nextV6++);
            if (!AddressPlan.isSentinel(a)) {
                v6.add((Inet6Address) a);
            }
        }
        ProxyIps ips = new ProxyIps(v4, v6);
        byName.put(key, ips);
        for (InetAddress a : ips.all()) {
            byAddress.put(a, key);
        }
        return Optional.of(ips);
    }

    public synchronized Optional<ProxyIps> lookup(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /** The name a proxy address was handed out for. */
    public synchronized Optional<String> nameOf(InetAddress proxy) {
        return Optional.ofNullable(byAddress.get(proxy));
    }

    static String key(String name) {
        return DomainPattern.stripDot(name).toLowerCase(Locale.ROOT);
    }
}
