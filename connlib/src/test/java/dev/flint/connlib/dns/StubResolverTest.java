package dev.flint.connlib.dns;

import dev.flint.connlib.portal.IpStack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StubResolverTest {
    static final UUID R1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID R2 = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final UUID R3 = UUID.fromString("00000000-0000-0000-0000-000000000003");

    final ProxyIpAllocator allocator = new ProxyIpAllocator();
    final StubResolver resolver = new StubResolver(allocator);

    StubResolverTest() {
        resolver.setResources(List.of(
                new DnsResource(R1, DomainPattern.of("*.example.com"), IpStack.DUAL),
                new DnsResource(R2, DomainPattern.of("v4.example.com"), IpStack.IPV4_ONLY),
                new DnsResource(R3, DomainPattern.of("v6.corp"), IpStack.IPV6_ONLY)));
    }

    Resolution.LocalAnswer local(String name, int type) {
        return (Resolution.LocalAnswer) resolver.resolve(DnsMessage.query(9, name, type));
    }

    @Test
    void firstNameGetsTheFirstAddressesOfBothRanges() {
        Resolution.LocalAnswer a = local("app.example.com", RecordType.A);
        assertThat(a.response().rcode()).isZero();
        assertThat(a.response().id()).isEqualTo(9);
        assertThat(a.response().answers()).hasSize(4).allMatch(r -> r.ttl() == 1);
        assertThat(a.response().answers()).extracting(r -> ((RData.A) r.data()).address().getHostAddress())
                .containsExactly("100.96.0.1", "100.96.0.2", "100.96.0.3", "100.96.0.4");
        Resolution.LocalAnswer aaaa = local("APP.example.com", RecordType.AAAA);
        assertThat(aaaa.response().answers()).extracting(r -> (InetAddress) ((RData.Aaaa) r.data()).address())
                .containsExactly(ip("fd00:2021:1111:8000::"), ip("fd00:2021:1111:8000::1"),
                        ip("fd00:2021:1111:8000::2"), ip("fd00:2021:1111:8000::3"));
        assertThat(aaaa.assigned().domain()).isEqualTo("app.example.com");
        assertThat(local("other.example.com", RecordType.A).response().answers().getFirst().data())
                .isEqualTo(new RData.A((java.net.Inet4Address) ip("100.96.0.5")));
    }

    @Test
    void ipStackFiltersTheFamilyButTheNameStillGetsAllEight() {
        // v4.example.com matches both *.example.com (dual) and v4.example.com (v4 only): AAAA is served.
        assertThat(local("v4.example.com", RecordType.AAAA).response().answers()).hasSize(4);
        Resolution.LocalAnswer v6a = local("v6.corp", RecordType.A);
        assertThat(v6a.response().rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(v6a.response().answers()).isEmpty();
        assertThat(v6a.assigned().proxyIps().v4()).hasSize(4);
        assertThat(local("v6.corp", RecordType.AAAA).response().answers()).hasSize(4);
    }

    @Test
    void specialTypesAndNames() {
        assertThat(local("use-application-dns.net", RecordType.A).response().rcode()).isEqualTo(Rcode.NXDOMAIN);
        Resolution.LocalAnswer https = local("app.example.com", RecordType.HTTPS);
        assertThat(https.response().rcode()).isZero();
        assertThat(https.response().answers()).isEmpty();
        assertThat(resolver.resolve(DnsMessage.query(1, "v4.example.com", RecordType.SRV)))
                .isEqualTo(new Resolution.RecurseSite(R2, DnsMessage.query(1, "v4.example.com", RecordType.SRV)));
        assertThat(resolver.resolve(DnsMessage.query(1, "x.example.com", RecordType.TXT)))
                .isInstanceOf(Resolution.RecurseSite.class)
                .extracting(r -> ((Resolution.RecurseSite) r).resourceId()).isEqualTo(R1);
        assertThat(resolver.resolve(DnsMessage.query(1, "x.example.com", RecordType.MX)))
                .isInstanceOf(Resolution.RecurseLocal.class);
        assertThat(resolver.resolve(DnsMessage.query(1, "example.org", RecordType.A)))
                .isInstanceOf(Resolution.RecurseLocal.class);
    }

    @Test
    void ptrOfAProxyAddressIsSynthesised() {
        local("app.example.com", RecordType.A);
        Resolution.LocalAnswer ptr = local("1.0.96.100.in-addr.arpa", RecordType.PTR);
        assertThat(ptr.response().answers()).singleElement()
                .extracting(DnsRecord::data).isEqualTo(new RData.Ptr("app.example.com"));
        String v6 = ReverseName.of(ip("fd00:2021:1111:8000::3"));
        assertThat(local(v6, RecordType.PTR).response().answers()).singleElement()
                .extracting(DnsRecord::data).isEqualTo(new RData.Ptr("app.example.com"));
        assertThat(resolver.resolve(DnsMessage.query(1, "9.9.9.9.in-addr.arpa", RecordType.PTR)))
                .isInstanceOf(Resolution.RecurseLocal.class);
    }

    @Test
    void allocatorSkipsTheSentinelRangeAndIsStable() {
        ProxyIpAllocator a = new ProxyIpAllocator();
        // 100.96.0.0/11 hosts before 100.100.111.0: (0x64646F00 - 0x64600001) addresses.
        long before = (100L << 24 | 100 << 16 | 111 << 8) - (100L << 24 | 96 << 16 | 1);
        ProxyIps last = null;
        for (long i = 0; i < before / 4 + 1; i++) {
            last = a.allocate("n" + i + ".test").orElseThrow();
        }
        for (InetAddress x : last.all()) {
            assertThat(AddressPlan.isSentinel(x)).isFalse();
        }
        // 290559 addresses precede the sentinels: the last name straddles them.
        assertThat(last.v4()).extracting(InetAddress::getHostAddress)
                .containsExactly("100.100.110.253", "100.100.110.254", "100.100.110.255", "100.100.112.0");
        assertThat(a.allocate("N0.TEST.")).isEqualTo(a.lookup("n0.test"));
        assertThat(a.nameOf(ip("100.96.0.1"))).contains("n0.test");
    }

    @Test
    void sentinelsAreNotReusedAcrossUpstreamChanges() {
        SentinelMap m = new SentinelMap();
        m.update(SentinelMap.effective(List.of(ip("1.1.1.1"), ip("2606:4700::1111")), List.of(), List.of()));
        assertThat(m.sentinels()).containsExactly(ip("100.100.111.1"), ip("fd00:2021:1111:8000:100:100:111:0"));
        m.update(SentinelMap.effective(List.of(), List.of(), List.of(ip("9.9.9.9"), ip("100.100.111.7"))));
        assertThat(m.sentinels()).containsExactly(ip("100.100.111.2"));
        assertThat(m.upstreamOf(ip("100.100.111.2"))).contains(new Upstream.Do53(ip("9.9.9.9"), false));
        m.update(SentinelMap.effective(List.of(), List.of("https://dns.google/dns-query"), List.of(ip("9.9.9.9"))));
        assertThat(m.upstreamOf(ip("100.100.111.1"))).contains(new Upstream.DoH("https://dns.google/dns-query"));
    }

    static InetAddress ip(String s) {
        return DnsCodecTest.ip(s);
    }
}
