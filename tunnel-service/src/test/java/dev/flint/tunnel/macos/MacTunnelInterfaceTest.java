package dev.flint.tunnel.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.shell.fake.FakeUtunKernel;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact ifconfig and route commands for a utun interface, and its teardown (macOS cannot run here). */
class MacTunnelInterfaceTest {
    private final FakeUtunKernel kernel = new FakeUtunKernel();
    private final List<String> commands = new ArrayList<>();
    private final List<String> scutil = new ArrayList<>();
    private String failOn;
    private final MacTunnelInterface tunnel = new MacTunnelInterface("utun", kernel, command -> {
        String line = String.join(" ", command);
        if (failOn != null && line.contains(failOn)) {
            throw new IOException(line + " failed: File exists");
        }
        commands.add(line);
    }, new ScutilDnsControl(scutil::add));

    private static InterfaceConfig config(String v4, String v6, String... routes) {
        return new InterfaceConfig(
                Optional.ofNullable(v4).map(a -> (Inet4Address) Cidr.parse(a).address()),
                Optional.ofNullable(v6).map(a -> (Inet6Address) Cidr.parse(a).address()),
                Arrays.stream(routes).map(Cidr::parse).toList(), List.of(), Optional.empty());
    }

    @Test
    void upConfiguresMtuAddressesAndRoutesOnTheUtunTheKernelChose() throws Exception {
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "fd00:2021:1111::/107", "10.1.2.3/16"));
        assertThat(tunnel.name()).isEqualTo("utun4");
        assertThat(commands).containsExactly(
                "/sbin/ifconfig utun4 mtu 1280",
                "/sbin/ifconfig utun4 inet 100.64.0.7 100.64.0.7 netmask 255.255.255.255 alias",
                "/sbin/ifconfig utun4 inet6 fd00:2021:1111:0:0:0:0:7 prefixlen 128 alias",
                "/sbin/ifconfig utun4 up",
                "/sbin/route -q -n add -inet 100.64.0.0/11 -interface utun4",
                "/sbin/route -q -n add -inet6 fd00:2021:1111:0:0:0:0:0/107 -interface utun4",
                "/sbin/route -q -n add -inet 10.1.0.0/16 -interface utun4");
    }

    @Test
    void upOnARunningInterfaceChangesOnlyWhatDiffersAndKeepsTheSocket() throws Exception {
        tunnel.up(config("100.64.0.7", "fd00:2021:1111::7", "100.64.0.0/11", "10.0.0.0/8"));
        var device = tunnel.device().orElseThrow();
        commands.clear();
        tunnel.up(config("100.64.0.9", "fd00:2021:1111::7", "100.64.0.0/11", "0.0.0.0/0"));
        assertThat(commands).containsExactly(
                "/sbin/route -q -n delete -inet 10.0.0.0/8 -interface utun4",
                "/sbin/ifconfig utun4 inet 100.64.0.7 -alias",
                "/sbin/ifconfig utun4 inet 100.64.0.9 100.64.0.9 netmask 255.255.255.255 alias",
                "/sbin/route -q -n add -inet 0.0.0.0/1 -interface utun4",
                "/sbin/route -q -n add -inet 128.0.0.0/1 -interface utun4");
        assertThat(tunnel.device()).containsSame(device);
        assertThat(kernel.calls.stream().filter(c -> c.startsWith("socket"))).hasSize(1);
        assertThat(kernel.closed).isFalse();
    }

    @Test
    void theDefaultRouteGoesInAsTwoHalvesAndOtherFamiliesRoutesAreSkipped() throws Exception {
        tunnel.up(config("100.64.0.7", null, "0.0.0.0/0", "::/0"));
        assertThat(commands).endsWith(
                "/sbin/route -q -n add -inet 0.0.0.0/1 -interface utun4",
                "/sbin/route -q -n add -inet 128.0.0.0/1 -interface utun4");
        assertThat(commands).noneMatch(c -> c.contains("inet6"));
    }

    @Test
    void downDeletesTheRoutesInReverseThenClosesTheSocketWhichRemovesTheInterface() throws Exception {
        tunnel.up(config("100.64.0.7", null, "100.64.0.0/11", "0.0.0.0/0"));
        commands.clear();
        tunnel.down();
        assertThat(commands).containsExactly(
                "/sbin/route -q -n delete -inet 128.0.0.0/1 -interface utun4",
                "/sbin/route -q -n delete -inet 0.0.0.0/1 -interface utun4",
                "/sbin/route -q -n delete -inet 100.64.0.0/11 -interface utun4");
        assertThat(kernel.calls).last().isEqualTo("close 17");
        assertThat(tunnel.name()).isEqualTo("utun");
        commands.clear();
        tunnel.down();
        assertThat(commands).isEmpty();
    }

    @Test
    void aFailedRouteUndoesTheRoutesAlreadyAddedAndRemovesTheInterface() {
        failOn = "10.0.0.0/8";
        assertThatThrownBy(() -> tunnel.up(config("100.64.0.7", null, "100.64.0.0/11", "10.0.0.0/8")))
                .hasMessageContaining("File exists");
        assertThat(commands).last().isEqualTo("/sbin/route -q -n delete -inet 100.64.0.0/11 -interface utun4");
        assertThat(kernel.closed).isTrue();
        assertThat(tunnel.device()).isEmpty();
    }

    @Test
    void startUpRepairRemovesALeftoverScutilEntry() throws Exception {
        assertThat(tunnel.removeIfPresent("utun")).isFalse();
        assertThat(scutil).containsExactly("remove State:/Network/Service/dev.flint.client/DNS\n");
        assertThat(commands).isEmpty();
    }

    @Test
    void onlyUtunNamesAreAccepted() {
        assertThatThrownBy(() -> new MacTunnelInterface("tun-flint", kernel, c -> { }, new ScutilDnsControl(s -> { })))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
