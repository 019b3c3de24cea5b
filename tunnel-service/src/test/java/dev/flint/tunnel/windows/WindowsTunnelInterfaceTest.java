package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.shell.fake.FakeWintun;
import dev.flint.shell.windows.WintunTunDevice;
import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact IP Helper rows the Windows interface asks for and takes back (Windows cannot run here). */
class WindowsTunnelInterfaceTest {
    private static final long LUID = FakeWintun.LUID;

    /** Records every row; can be told to fail one kind of call. */
    static final class RecordingIpHelper implements IpHelper {
        final List<Object> calls = new ArrayList<>();
        Cidr failRoute;
        Family failFamily;

        @Override
        public void createUnicastAddress(UnicastAddress address) {
            calls.add("create " + address);
        }

        @Override
        public void deleteUnicastAddress(UnicastAddress address) {
            calls.add("delete " + address);
        }

        @Override
        public void createRoute(Route route) throws IOException {
            if (route.destination().equals(failRoute)) {
                throw new IOException("cannot add the route " + route.destination() + " (Windows error 87)");
            }
            calls.add("create " + route);
        }

        @Override
        public void deleteRoute(Route route) {
            calls.add("delete " + route);
        }

        @Override
        public void setInterface(InterfaceSettings settings) throws IOException {
            if (settings.family() == failFamily) {
                throw new IOException("cannot read the " + failFamily + " interface settings (Windows error 1168)");
            }
            calls.add("set " + settings);
        }
    }

    private final FakeWintun wintun = new FakeWintun();
    private final RecordingIpHelper ipHelper = new RecordingIpHelper();
    private final NrptDnsControlTest.MemoryRegistry registry = new NrptDnsControlTest.MemoryRegistry();
    private final WindowsTunnelInterface tunnel = new WindowsTunnelInterface("Flint", () -> wintun, ipHelper,
            WintunTunDevice.DEFAULT_RING_CAPACITY, new NrptDnsControl(registry));

    private static InterfaceConfig config(String v4, String v6, String... routes) throws Exception {
        return new InterfaceConfig(
                Optional.ofNullable(v4).map(a -> (Inet4Address) address(a)),
                Optional.ofNullable(v6).map(a -> (Inet6Address) address(a)),
                java.util.Arrays.stream(routes).map(Cidr::parse).toList(), List.of(), Optional.empty());
    }

    private static InetAddress address(String literal) {
        return Cidr.parse(literal).address();
    }

    @Test
    void upSetsMtuAndMetricThenAddressesThenRoutesOnTheAdaptersLuid() throws Exception {
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "fd00:2021:1111::/107", "10.0.0.0/8"));
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "set " + new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV4, 1280, 0),
                "set " + new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV6, 1280, 0),
                "create " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")),
                "create " + new IpHelper.UnicastAddress(LUID, Cidr.parse("fd00:2021:1111::7/128")),
                "create " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0),
                "create " + new IpHelper.Route(LUID, Cidr.parse("fd00:2021:1111::/107"), 0),
                "create " + new IpHelper.Route(LUID, Cidr.parse("10.0.0.0/8"), 0));
        assertThat(tunnel.device()).isPresent();
        assertThat(wintun.calls).first().asString().startsWith("createAdapter Flint");
    }

    @Test
    void downDeletesExactlyWhatUpAddedInReverseAndThenRemovesTheAdapter() throws Exception {
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "fd00:2021:1111::/107"));
        ipHelper.calls.clear();
        tunnel.down();
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "delete " + new IpHelper.Route(LUID, Cidr.parse("fd00:2021:1111::/107"), 0),
                "delete " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("fd00:2021:1111::7/128")),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")));
        assertThat(wintun.calls).endsWith("endSession", "closeAdapter 1");
        assertThat(tunnel.device()).isEmpty();

        ipHelper.calls.clear();
        tunnel.down();
        assertThat(ipHelper.calls).isEmpty();
        assertThat(wintun.calls.stream().filter("endSession"::equals)).hasSize(1);
    }

    @Test
    void upOnARunningAdapterChangesOnlyWhatDiffersAndKeepsTheSession() throws Exception {
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "10.0.0.0/8"));
        var device = tunnel.device().orElseThrow();
        ipHelper.calls.clear();
        tunnel.up(config("100.64.0.9", "fd00:2021:1111::7", "100.64.0.0/11", "172.16.0.0/12"));
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "delete " + new IpHelper.Route(LUID, Cidr.parse("10.0.0.0/8"), 0),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")),
                "create " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.9/32")),
                "create " + new IpHelper.Route(LUID, Cidr.parse("172.16.0.0/12"), 0));
        assertThat(tunnel.device()).containsSame(device);
        assertThat(wintun.calls.stream().filter(c -> c.startsWith("createAdapter"))).hasSize(1);
        assertThat(wintun.calls).doesNotContain("endSession");

        ipHelper.calls.clear();
        tunnel.down();
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "delete " + new IpHelper.Route(LUID, Cidr.parse("172.16.0.0/12"), 0),
                "delete " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.9/32")),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("fd00:2021:1111::7/128")));
    }

    @Test
    void aSingleStackTunnelGetsOnlyTheRoutesOfItsFamily() throws Exception {
        tunnel.up(config("100.64.0.7", null, "100.64.0.0/11", "fd00:2021:1111::/107", "::/0"));
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "set " + new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV4, 1280, 0),
                "create " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")),
                "create " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0));
    }

    @Test
    void aFamilyWindowsRefusesIsLeftOutWithItsAddressAndRoutes() throws Exception {
        ipHelper.failFamily = IpHelper.Family.IPV6;
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "fd00:2021:1111::/107"));
        assertThat(ipHelper.calls.stream().map(String::valueOf)).containsExactly(
                "set " + new IpHelper.InterfaceSettings(LUID, IpHelper.Family.IPV4, 1280, 0),
                "create " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")),
                "create " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0));
        tunnel.down();

        WindowsTunnelInterface v6Only = new WindowsTunnelInterface("Flint", () -> wintun, ipHelper,
                WintunTunDevice.DEFAULT_RING_CAPACITY, new DisabledDns());
        assertThatThrownBy(() -> v6Only.up(config(null, "fd00:2021:1111::7", "fd00:2021:1111::/107")))
                .hasMessageContaining("neither IPv4 nor IPv6");
        assertThat(v6Only.device()).isEmpty();
    }

    @Test
    void aFailedRouteUndoesEverythingAlreadyAddedAndClosesTheAdapter() throws Exception {
        ipHelper.failRoute = Cidr.parse("10.0.0.0/8");
        assertThatThrownBy(() -> tunnel.up(config("100.64.0.7", null, "100.64.0.0/11", "10.0.0.0/8")))
                .hasMessageContaining("10.0.0.0/8");
        assertThat(ipHelper.calls.stream().map(String::valueOf)).endsWith(
                "delete " + new IpHelper.Route(LUID, Cidr.parse("100.64.0.0/11"), 0),
                "delete " + new IpHelper.UnicastAddress(LUID, Cidr.parse("100.64.0.7/32")));
        assertThat(wintun.calls).endsWith("endSession", "closeAdapter 1");
        assertThat(tunnel.device()).isEmpty();
    }

    @Test
    void startUpRepairRemovesALeftoverNrptRuleAndLeavesALiveAdapterAlone() throws Exception {
        new NrptDnsControl(registry).activate("Flint", List.of(InetAddress.getByName("100.100.111.1")), Optional.empty());
        assertThat(registry.keys).isNotEmpty();
        assertThat(tunnel.removeIfPresent("Flint")).isFalse();
        assertThat(registry.keys).isEmpty();
        assertThat(wintun.calls).containsExactly("openAdapter Flint");

        wintun.existingAdapter = Optional.of("Flint");
        assertThat(tunnel.removeIfPresent("Flint")).isFalse();
        assertThat(wintun.calls).endsWith("openAdapter Flint", "closeAdapter 2");
    }

    @Test
    void wintunIsLoadedOnlyWhenFirstNeeded() throws Exception {
        WindowsTunnelInterface lazy = new WindowsTunnelInterface("Flint", () -> {
            throw new IOException("wintun.dll is missing");
        }, ipHelper, WintunTunDevice.DEFAULT_RING_CAPACITY, new DisabledDns());
        lazy.down();
        assertThat(lazy.name()).isEqualTo("Flint");
        assertThatThrownBy(() -> lazy.up(config("100.64.0.7", null))).hasMessage("wintun.dll is missing");
    }
}
