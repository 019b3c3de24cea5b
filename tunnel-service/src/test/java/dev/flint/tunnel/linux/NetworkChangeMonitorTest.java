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
}
