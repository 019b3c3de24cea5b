package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.ice.PathType;
import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.P2pControlFrame;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.connlib.packet.ParseResult;
import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.P2pControlEvent;
import dev.flint.devstack.portal.PortalConfig;
import dev.flint.devstack.portal.PortalConfigReader;
import dev.flint.devstack.portal.PortalEmulator;
import dev.flint.devstack.portal.PortalMain;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import dev.flint.devstack.topology.Role;
import dev.flint.netns.Command;
import dev.flint.netns.JavaCommand;
import dev.flint.netns.NamespaceProcess;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway as {@code flint devstack up} runs it: its own process in the gateway namespace of the demo topology
 * (both sites behind NATs, coturn as the relay, dnsmasq and the web server on the resource network), joined to the
 * portal emulator, driven by a bare connlib client in the client namespace.
 */
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayNamespaceTest {
    static final InetAddress WEB = InetAddress.ofLiteral("172.20.0.10");
    private static final Duration WAIT = GatewayStack.WAIT;

    private GatewayStack stack;
    private PortalEmulator portal;
    private NamespaceProcess gateway;
    private final List<ProbeClient> probes = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        GatewayStack.assumeSupported();
        stack = GatewayStack.up(natType());
        portal = stack.portal();
        gateway = stack.gateway();
    }

    /** The NAT type of both sites; the relay-only subclass makes them symmetric. */
    NatType natType() {
        return NatType.PORT_RESTRICTED_CONE;
    }

    @AfterAll
    void down() {
        probes.forEach(ProbeClient::close);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void joinsThePortalAndSetsUpItsTunRoutesAndMasquerading() {
        Matcher joined = Pattern.compile("Joined the portal as gateway of account demo: tunnel addresses "
            + "(100\\.[0-9.]+) and (fd00:2021:1111:[0-9a-f:]+), 1 relay\\(s\\)").matcher(gateway.recentOutput());
        assertThat(joined.find()).as(gateway.recentOutput()).isTrue();
        NetworkNamespace gw = stack.namespace(Role.GATEWAY);
        assertThat(gw.exec("ip", "-o", "addr", "show", "dev", "tun-gateway"))
            .contains("inet " + joined.group(1) + "/32").containsPattern("inet6 fd00:2021:1111:[0-9a-f:]+/128 scope global");
        assertThat(gw.exec("ip", "-o", "link", "show", "dev", "tun-gateway")).contains("mtu 1280", "UP");
        assertThat(gw.exec("ip", "route", "show", "100.64.0.0/10")).contains("dev tun-gateway");
        assertThat(gw.exec("ip", "-6", "route", "show", "fd00:2021:1111::/107")).contains("dev tun-gateway");
        assertThat(gw.exec("nft", "list", "table", "inet", "flint_gateway"))
            .contains("iifname \"tun-gateway\" oifname != \"tun-gateway\" masquerade");
    }

    @Test
    @Order(2)
    void anAuthorizedClientReachesTheCidrResourceAndTheGatewaysDnsServer() throws Exception {
        ProbeClient alice = probe("alice@flint.test");
        PortalToClient.Init init = alice.await(PortalToClient.Init.class, WAIT);
        InetAddress me = init.iface().ipv4();
        alice.requestAuthorization(resourceId(init, "Resource network"));
        PortalToClient.AuthorizationCreated authorized = alice.await(PortalToClient.AuthorizationCreated.class, WAIT);
        awaitOutput("(" + me.getHostAddress() + ") may reach CIDR resource Resource network (172.20.0.0/24)");
        var established = alice.awaitEstablished(WAIT);
        if (natType() == NatType.SYMMETRIC) {
            assertThat(established.path().pathType()).as("symmetric NATs on both sides leave only the relay")
                .isEqualTo(PathType.RELAYED);
            awaitOutput("connected via relay");
        } else {
            awaitOutput("connected via");
        }

        byte[] echo = PacketBuilder.icmpEchoRequest(me, WEB, 4242, 1, "probe".getBytes(StandardCharsets.US_ASCII))
            .bytes();
        byte[] reply = alice.exchange(echo, p -> parsed(p) instanceof IpPacket ip && ip.isIcmpEchoReply()
            && ip.source().equals(WEB) && ip.destination().equals(me) && ip.icmpIdentifier() == 4242, WAIT);
        assertThat(reply).as("echo reply from the web server through the tunnel").isNotNull();

        InetAddress gatewayIp = authorized.gatewayIpv4();
        DnsMessage query = DnsMessage.query(0x5151, "web.flint.test", RecordType.A);
        byte[] dns = PacketBuilder.udp(me, gatewayIp, 40053, 53535, DnsCodec.encode(query)).bytes();
        byte[] answer = alice.exchange(dns, p -> parsed(p) instanceof IpPacket ip && ip.isUdp()
            && ip.source().equals(gatewayIp) && ip.sourcePort() == 53535 && ip.destinationPort() == 40053, WAIT);
        assertThat(answer).as("answer from the gateway's DNS server on 53535").isNotNull();
        DnsMessage response = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(((IpPacket) parsed(answer)).payload()))
            .message();
        assertThat(response.id()).isEqualTo(0x5151);
        assertThat(response.answers()).extracting(r -> r.data()).contains(new RData.A((java.net.Inet4Address) WEB));
    }

    @Test
    @Order(3)
    void dnsResourceNatMapsTheClientsProxyAddressesToTheResolvedAddress() throws Exception {
        ProbeClient alice = probe("alice@flint.test");
        PortalToClient.Init init = alice.await(PortalToClient.Init.class, WAIT);
        InetAddress me = init.iface().ipv4();
        UUID web = resourceId(init, "Web by name");
        alice.requestAuthorization(web);
        alice.await(PortalToClient.AuthorizationCreated.class, WAIT);
        alice.awaitEstablished(WAIT);
        awaitOutput("(" + me.getHostAddress() + ") may reach DNS resource Web by name (web.flint.test)");

        List<InetAddress> proxies = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            proxies.add(InetAddress.ofLiteral("100.96.0." + i));
        }
        for (int i = 1; i <= 4; i++) {
            proxies.add(InetAddress.ofLiteral("fd00:2021:1111:8000::" + i));
        }
        byte[] assigned = new P2pControlEvent.AssignedIps(web, "web.flint.test", proxies).encode();
        byte[] status = alice.exchange(assigned, p -> controlBody(p).contains("\"domain\":\"web.flint.test\""), WAIT);
        assertThat(status).as("DomainStatus from the gateway").isNotNull();
        assertThat(controlBody(status)).contains("\"status\":\"Active\"");

        InetAddress proxy = proxies.get(0);
        byte[] syn = PacketBuilder.tcp(me, proxy, 41000, 80, 1000, 0, 0x02, 64240, new byte[0]).bytes();
        byte[] synAck = alice.exchange(syn, p -> parsed(p) instanceof IpPacket ip && ip.isTcp()
            && ip.source().equals(proxy) && ip.sourcePort() == 80 && ip.destinationPort() == 41000, WAIT);
        assertThat(synAck).as("the web server's answer, translated back to the proxy address").isNotNull();
        IpPacket answer = (IpPacket) parsed(synAck);
        assertThat(answer.tcpFlags() & 0x12).as("SYN+ACK").isEqualTo(0x12);
        assertThat(answer.tcpAcknowledgement()).isEqualTo(1001);
    }

    @Test
    @Order(4)
    void aResourceOutsideTheUsersPoliciesIsRefusedAndNothingReachesIt() throws Exception {
        ProbeClient bob = probe("bob@flint.test");
        PortalToClient.Init init = bob.await(PortalToClient.Init.class, WAIT);
        InetAddress me = init.iface().ipv4();
        // The portal does not list the network to bob; he asks for it by id (a stale or guessed one).
        UUID network = portal.config().account("demo").orElseThrow().resources().stream()
            .filter(r -> r.name().equals("Resource network")).findFirst().orElseThrow().id();
        assertThat(init.resources()).noneMatch(r -> r.id().equals(network));
        bob.requestAuthorization(network);
        PortalToClient.AuthorizationCreationFailed refused =
            bob.await(PortalToClient.AuthorizationCreationFailed.class, WAIT);
        assertThat(refused.resourceId()).isEqualTo(network);
        assertThat(refused.reason()).isEqualTo("forbidden");

        // Bob may reach the web server by name, so he gets a connection to the gateway; the network stays closed.
        bob.requestAuthorization(resourceId(init, "Web by name"));
        bob.await(PortalToClient.AuthorizationCreated.class, WAIT);
        bob.awaitEstablished(WAIT);
        NetworkNamespace resources = stack.namespace(Role.RESOURCES);
        resources.nft("""
            table inet gwt_seen {
              chain input {
                type filter hook input priority 0; policy accept;
                ip daddr 172.20.0.10 icmp type echo-request counter
              }
            }
            """);
        byte[] echo = PacketBuilder.icmpEchoRequest(me, WEB, 777, 1, new byte[8]).bytes();
        byte[] error = bob.exchange(echo, p -> parsed(p) instanceof IpPacket ip && ip.isIcmpError(), WAIT);
        assertThat(error).as("the gateway refuses with an ICMP error").isNotNull();
        IpPacket icmp = (IpPacket) parsed(error);
        assertThat(icmp.source()).isEqualTo(WEB);
        assertThat(icmp.icmpType()).isEqualTo(3);
        assertThat(icmp.icmpCode()).as("administratively prohibited").isEqualTo(13);
        assertThat(bob.drainReceived()).noneMatch(p -> parsed(p) instanceof IpPacket ip && ip.isIcmpEchoReply());
        assertThat(resources.exec("nft", "list", "table", "inet", "gwt_seen")).contains("counter packets 0 bytes 0");
        assertThat(gateway.recentOutput()).doesNotContain("(" + me.getHostAddress() + ") may reach CIDR");
    }

    @Test
    @Order(5)
    void aRestartedPortalIsJoinedAgainAndItsInitIsAuthoritative() throws Exception {
        // Clients known to the old portal had authorizations; the new one knows none and says so in init.
        stack.restartPortal();
        awaitOutput("Joined the portal again as gateway of account demo");
        assertThat(gateway.recentOutput()).contains("0 authorization(s) to keep");
        awaitOutput("closed.");
        assertThat(gateway.isAlive()).isTrue();
    }

    @Test
    @Order(6)
    void sigtermStopsTheGatewayWithAGoodbyeAndRemovesItsDeviceButNotTheHostsNat() throws Exception {
        NetworkNamespace gw = stack.namespace(Role.GATEWAY);
        ProbeClient alice = probe("alice@flint.test");
        PortalToClient.Init init = alice.await(PortalToClient.Init.class, WAIT);
        alice.requestAuthorization(resourceId(init, "Resource network"));
        alice.await(PortalToClient.AuthorizationCreated.class, WAIT);
        alice.awaitEstablished(WAIT);
        alice.drainReceived();
        Command.of("kill", "-TERM", Long.toString(gateway.pid())).run();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (gateway.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(gateway.isAlive()).as("stopped by SIGTERM").isFalse();
        assertThat(alice.drainReceived()).as("the gateway said goodbye to its connected client")
            .anyMatch(p -> parsed(p) instanceof IpPacket ip && ip.isP2pControl()
                && P2pControlFrame.decode(ip) instanceof P2pControlFrame.Result.Decoded(P2pControlFrame f)
                && f.eventType() == 2);
        assertThat(gateway.recentOutput()).contains("Stopped; tun-gateway is removed");
        assertThat(gw.links()).doesNotContain("tun-gateway");
        assertThat(gw.exec("nft", "list", "table", "inet", "flint_gateway")).as("the host's masquerade stays")
            .contains("iifname \"tun-gateway\" oifname != \"tun-gateway\" masquerade");
        assertThat(gw.exec("ip", "route", "show")).doesNotContain("100.64.0.0/10");
    }

    static String controlBody(byte[] packet) {
        if (parsed(packet) instanceof IpPacket ip && ip.isP2pControl()
            && P2pControlFrame.decode(ip) instanceof P2pControlFrame.Result.Decoded(P2pControlFrame frame)) {
            return new String(frame.body(), StandardCharsets.UTF_8);
        }
        return "";
    }

    ProbeClient probe(String email) throws Exception {
        ProbeClient probe = ProbeClient.connect(stack.namespace(Role.CLIENT), GatewayStack.API, stack.token(email));
        probes.add(probe);
        return probe;
    }

    static UUID resourceId(PortalToClient.Init init, String name) {
        return init.resources().stream().filter(r -> switch (r) {
            case Resource.Dns d -> d.name().equals(name);
            case Resource.Cidr c -> c.name().equals(name);
            default -> false;
        }).map(Resource::id).findFirst().orElseThrow(() -> new AssertionError("no resource " + name + " in " + init));
    }

    static Object parsed(byte[] packet) {
        return IpPacket.parse(packet) instanceof ParseResult.Parsed(IpPacket ip) ? ip : null;
    }

    void awaitOutput(String text) throws Exception {
        stack.awaitOutput(text);
    }
}
