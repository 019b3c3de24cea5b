package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.netns.UdpExchange;
import dev.flint.netns.VethPair;
import dev.flint.shell.client.ClientTunnel;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import dev.flint.shell.portal.UserAgent;
import dev.flint.tunnel.linux.PolicyRouting;
import dev.flint.tunnel.os.Cidr;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientTunnel} in a network namespace against the devstack portal emulator in another: the TUN
 * device gets the portal's addresses, a DNS resource name asked at the sentinel through the TUN is answered
 * with a proxy IP, and a public name is recursed to the namespace's resolver — while a default route in
 * Flint's table sends every unmarked packet into the tunnel, so only marked sockets get out. It lives with the
 * service because the routing is the service's {@link PolicyRouting}.
 */
@Tag("privileged")
class ClientTunnelNamespaceTest {
    static final String TUN = "tun-ses";
    static final Duration WAIT = RealTimeWait.GENEROUS;

    Topology net;
    NetworkNamespace portalNs;
    NetworkNamespace clientNs;
    PortalEmulator portal;
    DatagramSocket resolver;
    ClientTunnel tunnel;
    final List<TunConfig> configs = new CopyOnWriteArrayList<>();
    final List<List<Resource>> resourceLists = new CopyOnWriteArrayList<>();
    final List<String> waits = new CopyOnWriteArrayList<>();
    final AtomicReference<String> stopped = new AtomicReference<>();
    final AtomicReference<LinuxTunDevice> device = new AtomicReference<>();

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("ses");
        portalNs = net.namespace("portal");
        clientNs = net.namespace("client");
        VethPair cable = net.veth(portalNs, "eth0", clientNs, "eth0");
        cable.a().addAddress(dev.flint.netns.IpPrefix.parse("10.77.0.1/24"));
        cable.b().addAddress(dev.flint.netns.IpPrefix.parse("10.77.0.2/24"));
        cable.up();
        PortalConfig config = PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(InetAddress.getByName("10.77.0.1"), 0))
            .withRelays(List.of());
        portal = portalNs.call(() -> PortalEmulator.start(config));
        resolver = portalNs.openUdpSocket(new InetSocketAddress(InetAddress.getByName("10.77.0.1"), 53));
        Thread.ofPlatform().daemon().name("test-resolver").start(this::answerQueries);
    }

    @AfterEach
    void tearDown() {
        if (tunnel != null) {
            tunnel.close();
        }
        if (device.get() != null) {
            device.get().close();
        }
        if (resolver != null) {
            resolver.close();
        }
        if (portal != null) {
            portal.close();
        }
        if (net != null) {
            net.close();
        }
    }

    /** The namespace's "ISP resolver": every A question is answered with 192.0.2.80. */
    void answerQueries() {
        byte[] buffer = new byte[1500];
        while (!resolver.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                resolver.receive(packet);
                byte[] bytes = java.util.Arrays.copyOf(buffer, packet.getLength());
                if (DnsCodec.decode(bytes) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage q)) {
                    String name = q.questions().getFirst().name();
                    byte[] answer = DnsCodec.encode(q.respond(Rcode.NOERROR, List.of(DnsRecord.in(name, 60,
                        new RData.A((Inet4Address) InetAddress.getByName("192.0.2.80"))))));
                    resolver.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (java.io.IOException e) {
                return;
            }
        }
    }

    final java.util.Set<IpPrefix> routed = new java.util.HashSet<>();

    /** What the tunnel service does with each config, done by hand, plus a default route into the tunnel. */
    void configureOs(TunConfig config) {
        try (RtNetlink netlink = RtNetlink.open(); PolicyRouting policy = PolicyRouting.open()) {
            boolean first = device.get() == null;
            if (first) {
                device.set(LinuxTunDevice.open(TUN, 1280, LinuxTunDevice.PacketIo.FFM));
            }
            int index = RtNetlink.linkIndex(TUN);
            if (first) {
                netlink.addAddress(index, config.ipv4(), 32);
                netlink.addAddress(index, config.ipv6(), 128);
                netlink.setLinkUp(index);
                policy.addRoute(index, Cidr.parse("0.0.0.0/0"));
                policy.addRules();
            }
            for (IpPrefix route : config.routes()) {
                if (routed.add(route)) {
                    policy.addRoute(index, Cidr.parse(route.toString()));
                }
            }
            if (first) {
                tunnel.attach(device.get());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        configs.add(config);
    }

    @Test
    void portalAddressesDnsResourcesAndUpstreamRecursionWithMarkedSockets() throws Exception {
        String token = portal.issueToken("demo", "alice@flint.test", "n0nce");
        URI api = URI.create("ws://10.77.0.1:" + portal.address().getPort() + "/");
        ClientTunnel.Options options = new ClientTunnel.Options(api, token, "5e55f1a7-0000-4000-8000-000000000001",
            "ses-client", UserAgent.detect("0.1.0"), TUN, PolicyRouting.FWMARK,
            List.of(InetAddress.getByName("10.77.0.1")));
        clientNs.call(() -> {
            tunnel = ClientTunnel.start(options, new ClientTunnel.Listener() {
                @Override
                public void tunConfigChanged(TunConfig config) {
                    configureOs(config);
                }

                @Override
                public void resourcesChanged(List<Resource> resources) {
                    resourceLists.add(resources);
                }

                @Override
                public void waitingForNetwork(String reason) {
                    waits.add(reason);
                }

                @Override
                public void disconnected(String reason, boolean requiresSignIn) {
                    stopped.set(reason);
                }
            });
            return null;
        });
        // The list can grow in steps (the resources first, then what the session adds): wait for all of it.
        await("resources of every kind (DNS, CIDR, Internet)", () -> !resourceLists.isEmpty()
            && resourceLists.getLast().stream().map(r -> r.getClass().getSimpleName()).toList()
                .containsAll(List.of("Dns", "Cidr", "Internet")));
        await("the TUN device", () -> device.get() != null);
        TunConfig config = configs.getLast();
        assertThat(config.ipv4().getHostAddress()).startsWith("100.");
        assertThat(clientNs.ip("addr", "show", "dev", TUN)).contains(config.ipv4().getHostAddress() + "/32");
        assertThat(clientNs.ip("-4", "route", "show", "table", Integer.toString(PolicyRouting.TABLE)))
            .contains("172.20.0.0/24 dev " + TUN).contains("100.96.0.0/11 dev " + TUN);

        // Every socket of the tunnel carries Flint's mark: the portal connection and the peer sockets.
        String sockets = clientNs.exec("ss", "-tuaneH");
        assertThat(sockets).contains(":" + portal.address().getPort() + " ");
        assertThat(sockets.lines().filter(l -> l.contains(":" + portal.address().getPort() + " ")
            || l.contains(":52625 "))).isNotEmpty().allMatch(l -> l.contains("fwmark:0xfd002021"));

        InetAddress sentinel = config.dnsBySentinel().keySet().stream().filter(a -> a instanceof Inet4Address)
            .findFirst().orElseThrow();
        DnsMessage web = ask(sentinel, "web.flint.test");
        assertThat(web.rcode()).isEqualTo(Rcode.NOERROR);
        InetAddress proxy = ((RData.A) web.answers().getFirst().data()).address();
        assertThat(AddressPlan.isProxy(proxy)).as(proxy.toString()).isTrue();

        // Not a resource: recursed to the system resolver over a marked socket, past the default route.
        DnsMessage other = ask(sentinel, "example.org");
        assertThat(other.answers()).extracting(DnsRecord::data)
            .containsExactly(new RData.A((Inet4Address) InetAddress.getByName("192.0.2.80")));

        // A reset reconnects the portal (a new WireGuard key, so a new socket) past the default route too.
        String before = portalConnections();
        tunnel.reset("test");
        await("a new portal connection", () -> !portalConnections().isBlank() && !portalConnections().equals(before));
        assertThat(stopped.get()).isNull();
    }

    String portalConnections() {
        return clientNs.exec("ss", "-tnH", "state", "established", "dst", "10.77.0.1");
    }

    /** A DNS question from the client namespace, asked again each second as a resolver does. */
    DnsMessage ask(InetAddress server, String name) throws Exception {
        byte[] query = DnsCodec.encode(DnsMessage.query(0x5e5, name, RecordType.A));
        byte[] answer = clientNs.call(() -> UdpExchange.ask(new InetSocketAddress(server, 53), query, WAIT));
        return ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(answer)).message();
    }

    void await(String what, BooleanSupplier condition) {
        RealTimeWait.until(what, WAIT, condition, () -> "resource lists " + resourceLists.stream()
            .map(l -> l.stream().map(r -> r.getClass().getSimpleName()).toList()).toList()
            + ", waits for the network " + waits + ", stopped " + stopped.get());
    }
}
