package dev.flint.connlib.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsCacheTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    /** Firezone 1.5.8 caches upstream answers per TTL: a hit before expiry, aged TTLs, the asker's id and case. */
    @Test
    void firezoneCachesUpstreamAnswersForTheirTtl() throws Exception {
        DnsCache cache = new DnsCache();
        DnsMessage query = DnsMessage.query(0x1111, "example.com", RecordType.A);
        DnsMessage answer = query.respond(Rcode.NOERROR, List.of(
            DnsRecord.in("example.com", 300, new RData.A(v4("192.0.2.1"))),
            DnsRecord.in("example.com", 60, new RData.A(v4("192.0.2.2")))));
        cache.store(query, answer, T0);

        DnsMessage again = DnsMessage.query(0x2222, "ExAmPlE.com", RecordType.A);
        DnsMessage hit = cache.lookup(again, T0.plusSeconds(25)).orElseThrow();
        assertThat(hit.id()).isEqualTo(0x2222);
        assertThat(hit.questions()).isEqualTo(again.questions());
        assertThat(hit.answers()).extracting(DnsRecord::ttl).containsExactly(275L, 35L);
        assertThat(cache.lookup(DnsMessage.query(1, "example.com", RecordType.AAAA), T0)).isEmpty();

        assertThat(cache.lookup(again, T0.plusSeconds(59))).isPresent();
        assertThat(cache.lookup(again, T0.plusSeconds(60))).isEmpty(); // the smallest TTL rules
        assertThat(cache.size()).isZero();
    }

    @Test
    void negativeAnswersLiveForTheSoaNegativeTtlAndFailuresAreNotKept() {
        DnsCache cache = new DnsCache();
        DnsMessage query = DnsMessage.query(1, "nope.example.com", RecordType.A);
        DnsRecord soa = DnsRecord.in("example.com", 900, new RData.Soa("ns.example.com", "h.example.com", 1, 2, 3, 4, 120));
        DnsMessage nx = new DnsMessage(1, DnsMessage.FLAG_QR | Rcode.NXDOMAIN, query.questions(), List.of(),
            List.of(soa), List.of());
        cache.store(query, nx, T0);
        assertThat(cache.lookup(query, T0.plusSeconds(119)).orElseThrow().rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(cache.lookup(query, T0.plusSeconds(120))).isEmpty();

        DnsMessage other = DnsMessage.query(2, "x.example.com", RecordType.A);
        cache.store(other, other.respond(Rcode.SERVFAIL, List.of()), T0);
        cache.store(other, other.respond(Rcode.NXDOMAIN, List.of()), T0); // no SOA: not kept
        DnsMessage truncated = new DnsMessage(2, DnsMessage.FLAG_QR | DnsMessage.FLAG_TC, other.questions(),
            List.of(), List.of(), List.of());
        cache.store(other, truncated, T0);
        assertThat(cache.lookup(other, T0)).isEmpty();
    }
}
