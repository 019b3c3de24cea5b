package dev.flint.tunnel.service;

import static dev.flint.tunnel.service.TunnelServiceProcessTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.DnsRecord;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.UnixSocket;
import dev.flint.netns.IpPrefix;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.netns.UdpExchange;
import dev.flint.netns.VethPair;
import dev.flint.tunnel.FlintTunnel;
import dev.flint.tunnel.linux.PolicyRouting;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service with a real portal session: the devstack portal emulator runs in one namespace with the
 * network's resolver beside it, the service in another as its own process, signed in with a real token
 * (by a GUI over the socket, or headless). Checked: the portal's addresses and resource routes on
 * {@code tun-flint}, resolv.conf pointing at the sentinel, the resource list in the GUI, a DNS resource
 * name answered with a proxy IP through the tunnel, other names recursed to the resolver the system had
 * before, marked sockets, waiting while there is no network, and nothing left once the GUI is gone.
 */
@Tag("privileged")
class ConnlibSessionProcessTest {
    static final String TUN = "tun-flint";
    static final Duration WAIT = RealTimeWait.GENEROUS;
    static final String RESOLVER = "10.77.0.1";

    Topology net;
    NetworkNamespace portalNs;
    NetworkNamespace ns;
    VethPair cable;
    PortalEmulator portal;
    DatagramSocket resolver;
    Path resolvConf;
    byte[] originalResolvConf;
    Path dir;
    Path socket;

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("ses");
        portalNs = net.namespace("portal");
        ns = net.namespace("client");
        cable = net.veth(portalNs, "eth0", ns, "eth0");
        cable.a().addAddress(IpPrefix.parse(RESOLVER + "/24"));
        cable.b().addAddress(IpPrefix.parse("10.77.0.2/24"));
        cable.up();
        ns.writeResolvConf(List.of(InetAddress.getByName(RESOLVER)), List.of("home.example"));
        resolvConf = Path.of("/etc/netns", ns.name(), "resolv.conf");
        originalResolvConf = Files.readAllBytes(resolvConf);
        dir = net.runDirectory();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("run/tunnel.sock");
        PortalConfig config = PortalConfigReader.parse(PortalMain.sample())
                .withListen(new InetSocketAddress(InetAddress.getByName(RESOLVER), 0))
                .withRelays(List.of());
        portal = portalNs.call(() -> PortalEmulator.start(config));
        resolver = portalNs.openUdpSocket(new InetSocketAddress(InetAddress.getByName(RESOLVER), 53));
        Thread.ofPlatform().daemon().name("test-resolver").start(this::answerQueries);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (net != null) {
            net.close(); // stops the service and GUI processes first
        }
        if (resolver != null) {
            resolver.close();
        }
        if (portal != null) {
            portal.close();
        }
        if (resolvConf != null) {
            Files.deleteIfExists(resolvConf);
            Files.deleteIfExists(resolvConf.getParent());
        }
    }

    /** The network's resolver: every A question is answered with 192.0.2.80. */
    void answerQueries() {
        byte[] buffer = new byte[1500];
        while (!resolver.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                resolver.receive(packet);
                if (DnsCodec.decode(Arrays.copyOf(buffer, packet.getLength()))
                        instanceof DnsCodec.DecodeResult.Decoded(DnsMessage q)) {
                    byte[] answer = DnsCodec.encode(q.respond(Rcode.NOERROR, List.of(DnsRecord.in(
                            q.questions().getFirst().name(), 60,
                            new RData.A((Inet4Address) InetAddress.getByName("192.0.2.80"))))));
                    resolver.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    String apiUrl() {
        return "ws://" + RESOLVER + ":" + portal.address().getPort() + "/";
    }

    List<String> serviceFlags() {
        return List.of("--dns-control", "etc-resolv-conf", "--state-dir", dir.resolve("state").toString(),
                "--runtime-dir", dir.resolve("run").toString(), "--log-dir", dir.resolve("log").toString(),
                "--api-url", apiUrl());
    }

    NamespaceProcess startService() {
        List<String> args = new ArrayList<>(List.of("run-interactive", "--allow-any-peer-exe"));
        args.addAll(serviceFlags());
        NamespaceProcess service = net.start(ns, "service", JavaCommand.forMain(FlintTunnel.class, args));
        await("the service socket", () -> service.recentOutput().contains("listening on") && Files.exists(socket),
                WAIT, service);
        return service;
    }

    NamespaceProcess startGui(String token) {
        return net.start(ns, "gui", JavaCommand.forMain(TestGui.class, List.of(socket.toString(), token)));
    }

    boolean tunExists() {
        return ns.command("ip", "link", "show", TUN).runAllowingFailure().ok();
    }

    String table(String family) {
        return ns.command("ip", family, "route", "show", "table", Integer.toString(PolicyRouting.TABLE))
                .runAllowingFailure().stdout();
    }

    boolean routed(String route) {
        return table(route.contains(":") ? "-6" : "-4").contains(route + " dev " + TUN);
    }

    boolean clean() {
        try {
            return !tunExists() && table("-4").isBlank() && table("-6").isBlank()
                    && !ns.command("ip", "-4", "rule").runAllowingFailure().stdout().contains("0xfd002021")
                    && !ns.command("ip", "-6", "rule").runAllowingFailure().stdout().contains("0xfd002021")
                    && Arrays.equals(Files.readAllBytes(resolvConf), originalResolvConf);
        } catch (IOException e) {
            return false;
        }
    }

    /** What a signed-in session must have set up, checked from outside the service. */
    void assertSessionUp(NamespaceProcess service) throws Exception {
        await("the resource routes", () -> routed("172.20.0.0/24"), WAIT, service);
        String addresses = ns.ip("addr", "show", "dev", TUN);
        assertThat(addresses).containsPattern("inet 100\\.(6[4-9]|[7-8][0-9]|9[0-5])\\.\\d+\\.\\d+/32")
                .contains("inet6 fd00:2021:1111:").contains("mtu 1280");
        assertThat(table("-4")).contains("100.96.0.0/11 dev " + TUN).contains("100.100.111.0/24 dev " + TUN)
                .contains("100.64.0.0/11 dev " + TUN).doesNotContain("default");
        assertThat(table("-6")).contains("fd00:2021:1111:8000::/107 dev " + TUN);
        String dns = Files.readString(resolvConf);
        assertThat(dns).contains("nameserver 100.100.111.").doesNotContain("nameserver " + RESOLVER);

        // The service's portal connection and peer sockets carry Flint's mark.
        String sockets = ns.exec("ss", "-tuaneH");
        List<String> own = sockets.lines().filter(l -> l.contains(":" + portal.address().getPort() + " ")
                || l.contains(":52625 ")).toList();
        assertThat(own).as(sockets).hasSizeGreaterThanOrEqualTo(2).allMatch(l -> l.contains("fwmark:0xfd002021"));

        InetAddress sentinel = InetAddress.getByName(firstNameserver(dns));
        DnsMessage web = ask(sentinel, "web.flint.test");
        assertThat(web.rcode()).isEqualTo(Rcode.NOERROR);
        InetAddress proxy = ((RData.A) web.answers().getFirst().data()).address();
        assertThat(AddressPlan.isProxy(proxy)).as(proxy.toString()).isTrue();
        // Not a resource: recursed to the resolver of the original resolv.conf, outside the tunnel.
        assertThat(ask(sentinel, "example.org").answers()).extracting(DnsRecord::data)
                .containsExactly(new RData.A((Inet4Address) InetAddress.getByName("192.0.2.80")));
    }

    static String firstNameserver(String resolvConf) {
        Matcher m = Pattern.compile("nameserver (100\\.100\\.111\\.\\d+)").matcher(resolvConf);
        assertThat(m.find()).as(resolvConf).isTrue();
        return m.group(1);
    }

    /** A DNS question from the namespace, asked again each second as a resolver does (the session may reset). */
    DnsMessage ask(InetAddress server, String name) throws Exception {
        byte[] query = DnsCodec.encode(DnsMessage.query(0x5e5, name, RecordType.A));
        byte[] answer = ns.call(() -> UdpExchange.ask(new InetSocketAddress(server, 53), query, WAIT));
        return ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(answer)).message();
    }

    @Test
    void signedInGuiGetsTunnelRoutesDnsAndResourcesAndKillingItCleansUp() throws Exception {
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui(portal.issueToken("demo", "alice@flint.test", "n0nce"));
        await("the tunnel", this::tunExists, WAIT, service);
        assertSessionUp(service);
        // The test GUI prints one line per resource after the message's name: wait for the whole list.
        await("the resource list in the GUI", () -> gui.recentOutput().contains("resource Resource network")
                && gui.recentOutput().contains("resource Internet"), WAIT, gui);
        assertThat(gui.recentOutput()).contains("received connect_result", "resource Web by name",
                "resource Wildcard names", "resource Internet");

        // No gateway is online: the first packet to the resource asks for access, the portal says offline.
        InetAddress sentinel = InetAddress.getByName(firstNameserver(Files.readString(resolvConf)));
        InetAddress proxy = ((RData.A) ask(sentinel, "web.flint.test").answers().getFirst().data()).address();
        Thread.ofPlatform().daemon().start(() -> { // its filter allows tcp/80: a SYN that nobody will answer
            try {
                ns.call(() -> {
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new InetSocketAddress(proxy, 80), (int) WAIT.toMillis());
                    }
                    return null;
                });
            } catch (Exception expected) {
                // never answered
            }
        });
        await("the GUI to hear that no gateway is online", () -> gui.recentOutput().contains(
                "received gateway_unreachable") && gui.recentOutput().contains("resource Web by name (offline)"),
                WAIT, gui);

        // The portal moves the resource network: its route moves on the same device, and DNS keeps working.
        String index = ns.exec("cat", "/sys/class/net/" + TUN + "/ifindex").strip();
        PortalConfig.Account demo = portal.config().account("demo").orElseThrow();
        portal.reload(portal.config().withAccounts(List.of(demo.withResources(demo.resources().stream()
                .map(r -> r.name().equals("Resource network") ? new PortalConfig.ResourceEntry(r.id(), r.type(),
                        r.name(), "172.21.0.0/24", r.addressDescription(), r.ipStack(), r.siteId(), r.filters()) : r)
                .toList()))));
        await("the moved route", () -> routed("172.21.0.0/24") && !routed("172.20.0.0/24"), WAIT, service);
        assertThat(ns.exec("cat", "/sys/class/net/" + TUN + "/ifindex").strip()).isEqualTo(index);
        assertThat(ask(InetAddress.getByName(firstNameserver(Files.readString(resolvConf))), "web.flint.test")
                .answers()).isNotEmpty();

        new ProcessBuilder("kill", "-9", Long.toString(gui.pid())).start().waitFor();
        await("clean-up after the GUI's death", this::clean, WAIT, service);
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void withTheInternetResourceOnTheServiceStillReachesThePortalAndTheResolverOutsideTheTunnel()
            throws Exception {
        NamespaceProcess service = startService();
        try (IpcConnection<ServiceMessage, GuiMessage> gui = IpcConnection.guiSide(UnixSocket.connect(socket))) {
            assertThat(TunnelServiceProcessTest.next(gui)).isInstanceOf(ServiceMessage.Hello.class);
            gui.send(new GuiMessage.Connect(portal.issueToken("demo", "alice@flint.test", "n0nce"), false));
            assertThat(TunnelServiceProcessTest.next(gui)).isEqualTo(ServiceMessage.ConnectResult.ok());
            await("the resource routes", () -> routed("172.20.0.0/24"), WAIT, service);
            assertThat(table("-4")).doesNotContain("default");

            gui.send(new GuiMessage.SetInternetResourceEnabled(true));
            await("the default routes into the tunnel", () -> table("-4").contains("default dev " + TUN)
                    && table("-6").contains("default dev " + TUN), WAIT, service);
            String index = ns.exec("cat", "/sys/class/net/" + TUN + "/ifindex").strip();

            // Every unmarked packet now enters the tunnel, where no gateway serves it. A network change
            // makes the session reconnect: the new portal connection gets out because it is marked.
            String before = portalConnections();
            assertThat(before).isNotBlank();
            ns.ip("addr", "add", "10.77.0.3/24", "dev", "eth0");
            await("a new portal connection", () -> !portalConnections().isBlank()
                    && !portalConnections().equals(before), WAIT, service);
            assertThat(service.recentOutput()).contains("Resetting the tunnel: network changed");
            // So is the recursion to the system's resolver.
            InetAddress sentinel = InetAddress.getByName(firstNameserver(Files.readString(resolvConf)));
            assertThat(ask(sentinel, "example.org").answers()).extracting(DnsRecord::data)
                    .containsExactly(new RData.A((Inet4Address) InetAddress.getByName("192.0.2.80")));

            gui.send(new GuiMessage.SetInternetResourceEnabled(false));
            await("the default routes gone", () -> !table("-4").contains("default") && !table("-6")
                    .contains("default"), WAIT, service);
            assertThat(routed("172.20.0.0/24")).isTrue();
            assertThat(ns.exec("cat", "/sys/class/net/" + TUN + "/ifindex").strip()).isEqualTo(index);
        }
        await("clean-up after the GUI closed", this::clean, WAIT, service);
    }

    String portalConnections() {
        return ns.command("ss", "-tnH", "state", "established", "dst", RESOLVER).runAllowingFailure().stdout();
    }

    @Test
    void anInvalidTokenEndsTheSessionAndAsksForSignIn() throws Exception {
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui("not-a-token");
        // The test GUI prints the message's name, then its reason and sign-in flag on the next line.
        await("the refusal", () -> gui.recentOutput().contains("received disconnected")
                && gui.recentOutput().contains(" sign-in "), WAIT, gui);
        assertThat(gui.recentOutput()).contains("sign-in true");
        assertThat(clean()).isTrue();
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void headlessWithATokenFileConnectsUntilSigterm() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), portal.issueToken("demo", "alice@flint.test", "n0nce"));
        List<String> args = new ArrayList<>(List.of("headless", "--token-file", token.toString()));
        args.addAll(serviceFlags());
        NamespaceProcess headless = net.start(ns, "headless", JavaCommand.forMain(FlintTunnel.class, args));
        await("the tunnel", this::tunExists, WAIT, headless);
        assertSessionUp(headless);
        new ProcessBuilder("kill", "-TERM", Long.toString(headless.pid())).start().waitFor();
        await("the service to exit", () -> !headless.isAlive(), WAIT, headless);
        assertThat(headless.exitCode()).isZero();
        assertThat(clean()).isTrue();
    }

    @Test
    void withoutANetworkItWaitsAndConnectsWhenTheNetworkReturns() throws Exception {
        ns.ip("link", "set", "eth0", "down");
        NamespaceProcess service = startService();
        NamespaceProcess gui = startGui(portal.issueToken("demo", "alice@flint.test", "n0nce"));
        await("waiting for the network", () -> service.recentOutput().contains("Waiting for the network"),
                WAIT, service);
        assertThat(tunExists()).isFalse();
        assertThat(gui.recentOutput()).doesNotContain("received disconnected");

        ns.ip("link", "set", "eth0", "up");
        await("the tunnel once the network is back", () -> routed("172.20.0.0/24"), WAIT, service);
        assertSessionUp(service);
    }
}
