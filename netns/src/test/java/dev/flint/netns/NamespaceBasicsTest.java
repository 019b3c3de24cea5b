package dev.flint.netns;

import dev.flint.connlib.net.IpPrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("privileged")
class NamespaceBasicsTest {

    @BeforeAll
    static void requireRoot() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
    }

    @Test
    void twoNamespacesPingOverVethWithIpv4AndIpv6AndLeaveNothingBehind() throws Exception {
        Topology net = Topology.create("nt");
        String aName;
        long sleeperPid;
        try (net) {
            NetworkNamespace a = net.namespace("a");
            NetworkNamespace b = net.namespace("b");
            aName = a.name();
            VethPair cable = net.veth(a, "eth0", b, "eth0");
            cable.a().addAddress(IpPrefix.parse("10.77.0.1/30")).addAddress(IpPrefix.parse("fd77::1/64"));
            cable.b().addAddress(IpPrefix.parse("10.77.0.2/30")).addAddress(IpPrefix.parse("fd77::2/64"));
            cable.up();

            assertThat(a.exec("ping", "-c", "1", "-W", "5", "10.77.0.2")).contains("1 received");
            assertThat(b.exec("ping", "-6", "-c", "1", "-W", "5", "fd77::1")).contains("1 received");
            assertThat(a.links()).contains("lo", "eth0");

            // A route through a third namespace: a -> b (router) -> c.
            NetworkNamespace c = net.namespace("c");
            b.enableForwarding();
            VethPair second = net.veth(b, "eth1", c, "eth0");
            second.a().addAddress(IpPrefix.parse("10.77.1.1/24"));
            second.b().addAddress(IpPrefix.parse("10.77.1.2/24"));
            second.up();
            a.addRoute(IpPrefix.parse("10.77.1.0/24"), InetAddress.getByName("10.77.0.2"));
            c.addDefaultRoute(InetAddress.getByName("10.77.1.1"));
            assertThat(a.exec("ping", "-c", "1", "-W", "5", "10.77.1.2")).contains("1 received");

            // Per-namespace resolv.conf is what processes in the namespace read as /etc/resolv.conf.
            a.writeResolvConf(List.of(InetAddress.getByName("10.77.1.2")), List.of("flint.test"));
            assertThat(a.exec("cat", "/etc/resolv.conf")).contains("nameserver 10.77.1.2", "search flint.test");

            // Sockets opened through the namespace live in it; ss there sees them.
            try (var socket = b.openUdpSocket(new InetSocketAddress(IpPrefix.parse("fd77::2").address(), 0));
                 var wildcard = b.openUdpSocket(new InetSocketAddress(0))) {
                var bound = (InetSocketAddress) socket.getLocalSocketAddress();
                assertThat(b.isListening(NetworkNamespace.Transport.UDP, bound)).isTrue();
                assertThat(b.isListening(NetworkNamespace.Transport.UDP,
                    new InetSocketAddress(IpPrefix.parse("fd77::1").address(), bound.getPort()))).isFalse();
                assertThat(b.isListening(NetworkNamespace.Transport.UDP,
                    new InetSocketAddress(IpPrefix.parse("10.77.0.2").address(), wildcard.getLocalPort()))).isTrue();
                assertThat(a.isListening(NetworkNamespace.Transport.UDP, bound.getPort())).isFalse();
            }

            NamespaceProcess sleeper = net.start(c, "sleeper", List.of("sleep", "300"));
            sleeperPid = sleeper.pid();
            // ip netns exec enters the namespace just after it starts.
            RealTimeWait.until("the sleeper to be in namespace " + c.name(), () -> c.pids().contains(sleeperPid));
        }
        assertThat(NetworkNamespace.list()).noneMatch(net.prefix()::owns);
        assertThat(net.leftoverNamespaces()).isEmpty();
        assertThat(ProcessHandle.of(sleeperPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(Path.of("/etc/netns", aName))).isFalse();
    }

    @Test
    void aFailingCommandNamesTheCommandAndItsStderr() {
        try (Topology net = Topology.create("nt")) {
            NetworkNamespace a = net.namespace("a");
            assertThatThrownBy(() -> a.ip("link", "set", "nosuchdev", "up"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ip -n " + a.name() + " link set nosuchdev up")
                .satisfies(e -> assertThat(((CommandFailedException) e).stderr()).isNotBlank());
        }
    }

    @Test
    void teardownCarriesOnPastAFailingStepAndRemovesTheRest() {
        Topology net = Topology.create("nt");
        net.namespace("a");
        net.onClose("a step that fails", () -> {
            throw new IllegalStateException("boom");
        });
        net.namespace("b");
        assertThatThrownBy(net::close).hasRootCauseMessage("boom");
        assertThat(net.leftoverNamespaces()).isEmpty();
    }

    @Test
    void namesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> RunPrefix.checkInterfaceName("sixteen-chars-xx")).isInstanceOf(IllegalArgumentException.class);
        assertThat(RunPrefix.random("wg").value()).hasSize(7).startsWith("wg");
    }
}
