package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.portal.IpNetwork;
import dev.flint.connlib.portal.IpStack;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.ipc.ResourceView;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConnlibSessionTest {
    static InetAddress ip(String text) {
        try {
            return IpPrefix.address(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void tunConfigBecomesTheInterfaceWithSentinelsIpv4FirstInAddressOrder() {
        Map<InetAddress, Upstream> sentinels = new LinkedHashMap<>();
        sentinels.put(ip("fd00:2021:1111:8000:100:100:111:0"), new Upstream.Do53(ip("2001:db8::53"), false));
        sentinels.put(ip("100.100.111.2"), new Upstream.Do53(ip("192.0.2.54"), false));
        sentinels.put(ip("100.100.111.1"), new Upstream.Do53(ip("192.0.2.53"), false));
        TunConfig tun = new TunConfig((Inet4Address) ip("100.64.0.7"), (Inet6Address) ip("fd00:2021:1111::7"),
                sentinels, null, List.of(IpPrefix.of("172.20.0.0/24"), IpPrefix.of("fd00:2021:1111:8000::/107")));
        InterfaceConfig config = ConnlibSession.interfaceConfig(tun);
        assertThat(config.ipv4()).contains((Inet4Address) ip("100.64.0.7"));
        assertThat(config.ipv6()).contains((Inet6Address) ip("fd00:2021:1111::7"));
        assertThat(config.routes()).containsExactly(Cidr.parse("172.20.0.0/24"), Cidr.parse("fd00:2021:1111:8000::/107"));
        assertThat(config.dnsServers()).containsExactly(ip("100.100.111.1"), ip("100.100.111.2"),
                ip("fd00:2021:1111:8000:100:100:111:0"));
        assertThat(config.searchDomain()).isEmpty();
        assertThat(ConnlibSession.interfaceConfig(new TunConfig(tun.ipv4(), tun.ipv6(), sentinels, "corp.example",
                List.of())).searchDomain()).isEqualTo(Optional.of("corp.example"));
    }

    @Test
    void resourcesAreListedInternetFirstThenByNameWithTheirSites() {
        Site lab = new Site(new UUID(0, 1), "Lab");
        UUID a = new UUID(0, 10);
        UUID b = new UUID(0, 11);
        UUID internet = new UUID(0, 12);
        List<ResourceView> views = ConnlibSession.resourceViews(List.of(
                new Resource.Dns(b, "web.flint.test", "http://web.flint.test/", "Web", IpStack.DUAL, List.of(lab),
                        List.of()),
                new Resource.Cidr(a, new IpNetwork(ip("172.20.0.0"), 24), null, "Network", List.of(lab), List.of()),
                new Resource.Internet(internet, null, true, List.of(lab))), Map.of(b, dev.flint.ipc.ResourceStatus.OFFLINE));
        assertThat(views).extracting(ResourceView::status).containsExactly(dev.flint.ipc.ResourceStatus.UNKNOWN,
                dev.flint.ipc.ResourceStatus.UNKNOWN, dev.flint.ipc.ResourceStatus.OFFLINE);
        assertThat(views).extracting(ResourceView::name).containsExactly("Internet Resource", "Network", "Web");
        assertThat(views.get(1)).isInstanceOfSatisfying(ResourceView.Cidr.class,
                c -> assertThat(c.address()).isEqualTo("172.20.0.0/24"));
        assertThat(views.get(2)).isInstanceOfSatisfying(ResourceView.Dns.class, d -> {
            assertThat(d.address()).isEqualTo("web.flint.test");
            assertThat(d.addressDescription()).isEqualTo("http://web.flint.test/");
            assertThat(d.sites()).containsExactly(new dev.flint.ipc.Site(lab.id(), "Lab"));
        });
    }
}
