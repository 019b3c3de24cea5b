package dev.flint.tunnel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import dev.flint.shell.TunDevice;
import dev.flint.tunnel.os.InterfaceConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code tun-flint} given new tunnel addresses while up (a restarted portal may hand out others): the same device
 * carries on with exactly the new addresses, and its routes and policy rules stay; only {@code down} removes them.
 */
@Tag("privileged")
class LinuxTunnelInterfaceNamespaceTest {
    static final String TUN = "tun-readdr";

    Topology net;
    NetworkNamespace ns;

    @BeforeEach
    void namespace() {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("lti");
        ns = net.namespace("tun");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    static InterfaceConfig config(String v4, String v6) {
        return new InterfaceConfig(Optional.of((Inet4Address) InetAddress.ofLiteral(v4)),
            Optional.of((Inet6Address) InetAddress.ofLiteral(v6)),
            List.of(IpPrefix.parse("100.64.0.0/11"), IpPrefix.parse("172.20.0.0/24"), IpPrefix.parse("fd00:2021:1111::/107")),
            List.of(InetAddress.ofLiteral("100.100.111.1")), Optional.empty());
    }

    @Test
    void newAddressesReplaceTheOldOnesOnTheSameDevice() throws Exception {
        LinuxTunnelInterface tunnel = new LinuxTunnelInterface(TUN);
        try {
            ns.call(() -> {
                tunnel.up(config("100.64.0.2", "fd00:2021:1111::2"));
                return null;
            });
            TunDevice device = tunnel.device().orElseThrow();
            String index = ns.ip("-o", "link", "show", TUN).split(":")[0];
            String rules = ns.ip("rule", "show");

            ns.call(() -> {
                tunnel.up(config("100.64.0.3", "fd00:2021:1111::3"));
                return null;
            });

            assertThat(tunnel.device()).as("the device the data plane reads").containsSame(device);
            assertThat(ns.ip("-o", "link", "show", TUN).split(":")[0]).as("the link index").isEqualTo(index);
            String addresses = ns.ip("addr", "show", "dev", TUN);
            assertThat(addresses).contains("100.64.0.3/32", "fd00:2021:1111::3/128")
                .doesNotContain("100.64.0.2/", "fd00:2021:1111::2/");
            assertThat(ns.ip("-4", "route", "show", "table", Integer.toString(PolicyRouting.TABLE)))
                .contains("100.64.0.0/11 dev " + TUN, "172.20.0.0/24 dev " + TUN);
            assertThat(ns.ip("-6", "route", "show", "table", Integer.toString(PolicyRouting.TABLE)))
                .contains("fd00:2021:1111::/107 dev " + TUN);
            assertThat(ns.ip("rule", "show")).isEqualTo(rules).contains("fwmark 0xfd002021");
        } finally {
            ns.call(() -> {
                tunnel.down();
                return null;
            });
        }
        assertThat(ns.links()).doesNotContain(TUN);
        assertThat(ns.ip("rule", "show")).doesNotContain("0xfd002021");
    }
}
