package dev.flint.connlib.dns;

import dev.flint.connlib.portal.IpStack;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The client's resource stub resolver (reference §4.3 step 3): answers A/AAAA for resource names with proxy
 * addresses (TTL 1 s), HTTPS with an empty answer, PTR of proxy addresses, the Firefox DoH canary with NXDOMAIN;
 * sends SRV/TXT for resource names to the site and everything else upstream. Pure: no IO, no clock.
 */
public final class StubResolver {
    public static final long TTL_SECONDS = 1;
    public static final String DOH_CANARY = "use-application-dns.net";

    private final ProxyIpAllocator allocator;
    private List<DnsResource> resources = List.of();

    public StubResolver(ProxyIpAllocator allocator) {
        this.allocator = allocator;
    }

    public void setResources(List<DnsResource> resources) {
        this.resources = List.copyOf(resources);
    }

    /** Resources whose pattern matches {@code domain}, most specific first (then by id). */
    public List<DnsResource> matching(String domain) {
        List<DnsResource> l = new ArrayList<>();
        for (DnsResource r : resources) {
            if (r.pattern().matches(domain)) {
                l.add(r);
            }
        }
        l.sort(Comparator.comparing(DnsResource::pattern).thenComparing(DnsResource::id));
        return l;
    }

    public Resolution resolve(DnsMessage query) {
        if (query.questions().size() != 1 || query.isResponse()) {
            return new Resolution.LocalAnswer(query.respond(Rcode.FORMERR, List.of()), null);
        }
        DnsQuestion q = query.questions().getFirst();
        String name = DomainPattern.stripDot(q.name());
        if (name.equalsIgnoreCase(DOH_CANARY)) {
            return new Resolution.LocalAnswer(query.respond(Rcode.NXDOMAIN, List.of()), null);
        }
        if (q.type() == RecordType.PTR) {
            Optional<InetAddress> ip = ReverseName.parse(name);
            if (ip.isPresent()) {
                Optional<String> target = allocator.nameOf(ip.get());
                if (target.isPresent()) {
                    return new Resolution.LocalAnswer(query.respond(Rcode.NOERROR,
                            List.of(DnsRecord.in(q.name(), TTL_SECONDS, new RData.Ptr(target.get())))), null);
                }
            }
            return new Resolution.RecurseLocal(query);
        }
        List<DnsResource> matches = matching(name);
        if (matches.isEmpty()) {
            return new Resolution.RecurseLocal(query);
        }
        return switch (q.type()) {
            case RecordType.A, RecordType.AAAA -> answerAddresses(query, q, name, matches);
            case RecordType.HTTPS -> new Resolution.LocalAnswer(query.respond(Rcode.NOERROR, List.of()), null);
            case RecordType.SRV, RecordType.TXT -> new Resolution.RecurseSite(matches.getFirst().id(), query);
            default -> new Resolution.RecurseLocal(query);
        };
    }

    private Resolution answerAddresses(DnsMessage query, DnsQuestion q, String name, List<DnsResource> matches) {
        Optional<ProxyIps> ips = allocator.allocate(name);
        if (ips.isEmpty()) {
            return new Resolution.LocalAnswer(query.respond(Rcode.SERVFAIL, List.of()), null);
        }
        boolean v4 = matches.stream().anyMatch(r -> r.ipStack() != IpStack.IPV6_ONLY);
        boolean v6 = matches.stream().anyMatch(r -> r.ipStack() != IpStack.IPV4_ONLY);
        List<DnsRecord> answers = new ArrayList<>();
        if (q.type() == RecordType.A && v4) {
            for (Inet4Address a : ips.get().v4()) {
                answers.add(DnsRecord.in(q.name(), TTL_SECONDS, new RData.A(a)));
            }
        }
        if (q.type() == RecordType.AAAA && v6) {
            for (Inet6Address a : ips.get().v6()) {
                answers.add(DnsRecord.in(q.name(), TTL_SECONDS, new RData.Aaaa(a)));
            }
        }
        return new Resolution.LocalAnswer(query.respond(Rcode.NOERROR, answers),
                new Resolution.Assigned(name.toLowerCase(Locale.ROOT), ips.get(), matches));
    }

    public ProxyIpAllocator allocator() {
        return allocator;
    }
}
