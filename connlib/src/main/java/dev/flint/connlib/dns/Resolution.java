package dev.flint.connlib.dns;

import java.util.List;
import java.util.UUID;

/** What the stub resolver decided to do with a query. */
public sealed interface Resolution {
    /** Answer locally. {@code assigned} is set for A/AAAA answers of a resource name. */
    record LocalAnswer(DnsMessage response, Assigned assigned) implements Resolution {}

    /** SRV/TXT for a resource name: ask the DNS server of that resource's gateway through the tunnel. */
    record RecurseSite(UUID resourceId, DnsMessage query) implements Resolution {}

    /** Not ours: recurse to the upstream behind the sentinel. */
    record RecurseLocal(DnsMessage query) implements Resolution {}

    /** A resource name answered with proxy addresses, and the resources it matches (most specific first). */
    record Assigned(String domain, ProxyIps proxyIps, List<DnsResource> resources) {}
}
