package dev.flint.tunnel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Link and address changes in a namespace are reported; the tunnel's own interface is not. */
@Tag("privileged")
class NetworkChangeMonitorTest {

    @Test
    void reportsOtherInterfacesAndIgnoresTheTunnel() throws Exception {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        try (Topology net = Topology.create("svm")) {
            NetworkNamespace ns = net.namespace("mon");
            ns.ip("tuntap", "add", "dev", "tun-flint", "mode", "tun");
            LinkedBlockingQueue<Set<Integer>> reports = new LinkedBlockingQueue<>();
            try (NetworkChangeMonitor monitor = ns.call(() ->
                    NetworkChangeMonitor.start("tun-flint", Duration.ofMillis(200), reports::add))) {
                ns.ip("link", "set", "tun-flint", "up");
                ns.ip("addr", "add", "100.64.0.9/32", "dev", "tun-flint");
                ns.ip("link", "add", "flmon0", "type", "veth", "peer", "name", "flmon1");
                ns.ip("link", "set", "flmon0", "up");
                ns.ip("addr", "add", "192.0.2.7/24", "dev", "flmon0");
                int other = Integer.parseInt(ns.exec("cat", "/sys/class/net/flmon0/ifindex").strip());
                int tunnel = Integer.parseInt(ns.exec("cat", "/sys/class/net/tun-flint/ifindex").strip());
                Set<Integer> first = reports.poll(RealTimeWait.GENEROUS.toSeconds(), TimeUnit.SECONDS);
                assertThat(first).isNotNull().contains(other).doesNotContain(tunnel);
            }
        }
    }

    @Test
    void aCaptureToolSwitchingPromiscuousModeIsNoNetworkChange() throws Exception {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        try (Topology net = Topology.create("svp")) {
            NetworkNamespace ns = net.namespace("mon");
            // TUN links no process holds stay up without a carrier: nothing about them is still settling when the
            // monitor starts (a veth's carrier arrives asynchronously, which would be a change of its own).
            ns.ip("tuntap", "add", "dev", "flcap0", "mode", "tun");
            ns.ip("tuntap", "add", "dev", "flmark0", "mode", "tun");
            ns.ip("link", "set", "flcap0", "up");
            ns.ip("link", "set", "flmark0", "up");
            int captured = Integer.parseInt(ns.exec("cat", "/sys/class/net/flcap0/ifindex").strip());
            int marker = Integer.parseInt(ns.exec("cat", "/sys/class/net/flmark0/ifindex").strip());
            LinkedBlockingQueue<Set<Integer>> reports = new LinkedBlockingQueue<>();
            try (NetworkChangeMonitor monitor = ns.call(() ->
                    NetworkChangeMonitor.start("tun-flint", Duration.ofMillis(200), reports::add))) {
                ns.ip("link", "set", "flcap0", "promisc", "on");   // what tcpdump does to the interface it captures
                ns.ip("link", "set", "flcap0", "promisc", "off");
                ns.ip("link", "set", "flcap0", "alias", "captured");
                ns.ip("addr", "add", "192.0.2.9/24", "dev", "flmark0"); // a real change, after them
                Set<Integer> first = reports.poll(RealTimeWait.GENEROUS.toSeconds(), TimeUnit.SECONDS);
                assertThat(first).as("the first report (the promiscuous switches came before the marker)")
                    .containsExactly(marker);
                ns.ip("link", "set", "flcap0", "down");
                Set<Integer> second = reports.poll(RealTimeWait.GENEROUS.toSeconds(), TimeUnit.SECONDS);
                assertThat(second).as("a link going down is a change").contains(captured);
            }
        }
    }
}
