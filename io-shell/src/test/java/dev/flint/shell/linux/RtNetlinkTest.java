package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Checks every netlink operation against what {@code ip -j} reports in the same namespace. */
@Tag("privileged")
class RtNetlinkTest {

    static final ObjectMapper JSON = new ObjectMapper();
    Topology net;
    NetworkNamespace ns;

    @BeforeEach
    void namespace() {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("wgn");
        ns = net.namespace("nl");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    JsonNode ipJson(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-j"));
        a.addAll(List.of(args));
        return JSON.readTree(ns.ip(a.toArray(String[]::new)));
    }

    List<String> routes(String family) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode r : ipJson(family, "route", "show", "dev", "flnl0")) {
            out.add(r.get("dst").asText() + " " + r.path("scope").asText("global") + " " + r.path("protocol").asText("boot"));
        }
        return out;
    }

    @Test
    void linkAddressAndRouteOperationsMatchIproute2() throws Exception {
        InNamespace.call(ns, () -> {
            try (LinuxTunDevice tun = LinuxTunDevice.open("flnl0", 1420, LinuxTunDevice.PacketIo.FFM);
                 RtNetlink nl = RtNetlink.open()) {
                int index = RtNetlink.linkIndex("flnl0");
                nl.setMtu(index, 1380);
                nl.setLinkUp(index);
                nl.setTxQueueLength(index, 1234);
                JsonNode link = ipJson("link", "show", "flnl0").get(0);
                assertThat(link.get("txqlen").asInt()).isEqualTo(1234);
                assertThat(link.get("ifindex").asInt()).isEqualTo(index);
                assertThat(link.get("mtu").asInt()).isEqualTo(1380);
                assertThat(link.get("flags").toString()).contains("\"UP\"");

                nl.addAddress(index, InetAddress.getByName("10.66.0.1"), 24);
                nl.addAddress(index, InetAddress.getByName("10.66.1.1"), 32);
                nl.addAddress(index, InetAddress.getByName("fd66::1"), 64);
                List<String> addrs = new ArrayList<>();
                for (JsonNode a : ipJson("addr", "show", "dev", "flnl0").get(0).get("addr_info")) {
                    if (!a.get("local").asText().startsWith("fe80")) {
                        addrs.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
                    }
                }
                assertThat(addrs).containsExactlyInAnyOrder("10.66.0.1/24", "10.66.1.1/32", "fd66::1/64");
                assertThatThrownBy(() -> nl.addAddress(index, InetAddress.getByName("10.66.0.1"), 24))
                    .isInstanceOf(IOException.class).hasMessageContaining("add address 10.66.0.1/24")
                    .hasMessageContaining("exists");

                nl.addRoute(index, InetAddress.getByName("192.168.50.0"), 24);
                nl.addRoute(index, InetAddress.getByName("172.16.0.7"), 32);
                nl.addRoute(index, InetAddress.getByName("fd99::"), 48);
                assertThat(routes("-4")).contains("192.168.50.0/24 link boot", "172.16.0.7 link boot");
                assertThat(routes("-6")).contains("fd99::/48 global boot");
                // Re-adding replaces rather than fails, so bringing a tunnel up twice is harmless.
                nl.addRoute(index, InetAddress.getByName("192.168.50.0"), 24);

                nl.removeRoute(index, InetAddress.getByName("192.168.50.0"), 24);
                nl.removeRoute(index, InetAddress.getByName("fd99::"), 48);
                assertThat(routes("-4")).doesNotContain("192.168.50.0/24 link boot").contains("172.16.0.7 link boot");
                assertThat(routes("-6")).doesNotContain("fd99::/48 global boot");
                assertThatThrownBy(() -> nl.removeRoute(index, InetAddress.getByName("192.168.50.0"), 24))
                    .isInstanceOf(IOException.class).hasMessageContaining("remove route 192.168.50.0/24");

                nl.setLinkDown(index);
                assertThat(ipJson("link", "show", "flnl0").get(0).get("flags").toString()).doesNotContain("\"UP\"");
                nl.deleteLink(index);
                assertThat(ns.command("ip", "link", "show", "flnl0").runAllowingFailure().ok()).isFalse();
                assertThatThrownBy(() -> RtNetlink.linkIndex("flnl0")).isInstanceOf(IOException.class)
                    .hasMessageContaining("no interface named flnl0");
            }
            return null;
        });
    }
}
