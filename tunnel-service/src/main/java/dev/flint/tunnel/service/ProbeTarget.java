package dev.flint.tunnel.service;

import dev.flint.connlib.portal.Filter;
import dev.flint.connlib.portal.Resource;
import dev.flint.tunnel.os.Cidr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the self test sends its one request to a resource: a host (a DNS resource's name or a single-address
 * CIDR resource) and a TCP port its filters allow. A resource with a pattern or a whole network has no one host
 * to ask, so it gets no target.
 */
record ProbeTarget(String host, int port) {
    ProbeTarget {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static Optional<ProbeTarget> of(Resource resource) {
        return switch (resource) {
            case Resource.Dns d when !d.address().contains("*") && !d.address().contains("?") ->
                    port(d.filters()).map(p -> new ProbeTarget(d.address(), p));
            case Resource.Cidr c when c.address().prefixLength() == (c.address().address() instanceof java.net.Inet4Address ? 32 : 128) ->
                    port(c.filters()).map(p -> new ProbeTarget(c.address().address().getHostAddress(), p));
            default -> Optional.empty();
        };
    }

    /** HTTP's port when allowed (no filters allow everything), else HTTPS's, else the first allowed TCP port. */
    static Optional<Integer> port(List<Filter> filters) {
        if (filters.isEmpty()) {
            return Optional.of(80);
        }
        List<Filter.Tcp> tcp = filters.stream().filter(f -> f instanceof Filter.Tcp).map(f -> (Filter.Tcp) f).toList();
        for (int preferred : new int[] {80, 443}) {
            if (tcp.stream().anyMatch(t -> t.portRangeStart() <= preferred && preferred <= t.portRangeEnd())) {
                return Optional.of(preferred);
            }
        }
        return tcp.stream().map(Filter.Tcp::portRangeStart).findFirst();
    }
}
