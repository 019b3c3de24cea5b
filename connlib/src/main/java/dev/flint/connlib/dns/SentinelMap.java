package dev.flint.connlib.dns;

import dev.flint.connlib.net.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The 1:1 mapping from sentinel DNS server addresses to upstream resolvers (reference §4.1). A new mapping never
 * reuses the sentinels of the previous one, so stale OS caches cannot reach a remapped sentinel.
 */
public final class SentinelMap {
    private static final int MAX_PER_FAMILY = 256;
    private Map<InetAddress, Upstream> mapping = new LinkedHashMap<>();

    /** Effective upstreams: portal Do53, else portal DoH, else the system's; never one of our own sentinels. */
    public static List<Upstream> effective(List<InetAddress> portalDo53, List<String> portalDoh,
                                           List<InetAddress> system) {
        List<Upstream> out = new ArrayList<>();
        for (InetAddress a : portalDo53) {
            if (!AddressPlan.isSentinel(a)) {
                out.add(new Upstream.Do53(a, true));
            }
        }
        if (out.isEmpty()) {
            for (String url : portalDoh) {
                out.add(new Upstream.DoH(url));
            }
        }
        if (out.isEmpty()) {
            for (InetAddress a : system) {
                if (!AddressPlan.isSentinel(a)) {
                    out.add(new Upstream.Do53(a, false));
                }
            }
        }
        return out;
    }

    /** Replaces the mapping; returns true if it changed. */
    public boolean update(List<Upstream> upstreams) {
        if (List.copyOf(mapping.values()).equals(upstreams)) {
            return false;
        }
        Set<InetAddress> previous = new HashSet<>(mapping.keySet());
        Map<InetAddress, Upstream> next = new LinkedHashMap<>();
        long i4 = 1;
        long i6 = 0;
        for (Upstream u : upstreams) {
            boolean v6 = u instanceof Upstream.Do53(InetAddress a, boolean p) && a instanceof Inet6Address;
            IpPrefix range = v6 ? AddressPlan.SENTINELS_V6 : AddressPlan.SENTINELS_V4;
            while (true) {
                long idx = v6 ? i6++ : i4++;
                if (idx >= MAX_PER_FAMILY) {
                    break;
                }
                InetAddress s = range.addressAt(idx);
                if (!previous.contains(s)) {
                    next.put(s, u);
                    break;
                }
            }
        }
        mapping = next;
        return true;
    }

    public Optional<Upstream> upstreamOf(InetAddress sentinel) {
        return Optional.ofNullable(mapping.get(sentinel));
    }

    public List<InetAddress> sentinels() {
        return List.copyOf(mapping.keySet());
    }

    public Map<InetAddress, Upstream> asMap() {
        return Map.copyOf(mapping);
    }
}
