package dev.flint.tunnel.service;

import static dev.flint.tunnel.service.TunnelServiceProcessTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.devstack.gateway.GatewayMain;
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
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.Topology;
import dev.flint.netns.UdpExchange;
import dev.flint.tunnel.FlintTunnel;
import dev.flint.tunnel.linux.PolicyRouting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole client data path through the service: the devstack topology (both sites behind NATs, coturn, the web
 * server on the resource network), the portal emulator, the devstack gateway, and {@code flint-tunnel headless}
 * in the client namespace. Plain sockets there reach the web server by address (CIDR resource) and by name (DNS
 * resource: the OS asks the sentinel, connects to the proxy IP, the gateway translates).
 */
@Tag("privileged")
class ServiceThroughGatewayTest {
    static final String API = "ws://198.18.0.5:8081";
    static final Duration WAIT = RealTimeWait.GENEROUS;

    Path stateFile;
    DevstackState state;
    PortalEmulator portal;
    NamespaceProcess gateway;
    NamespaceProcess service;
    Path dir;

    @BeforeEach
    void up() throws Exception {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Command.of("sh", "-c", "command -v turnserver && command -v dnsmasq && command -v nft")
                .runAllowingFailure().ok(), "needs coturn, dnsmasq-base and nftables");
        stateFile = Topology.RUN_ROOT.resolve("ses-" + UUID.randomUUID() + ".state");
        state = DemoTopology.up(new DemoTopology.Options(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE,
                false, true, "ses"), stateFile, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        PortalConfig sample = PortalConfigReader.parse(PortalMain.sample());
        PortalConfig config = new PortalConfig(sample.listen(), sample.tokenLifetime(), sample.signingSecret(),
                state.relaySecret(), sample.relays(), sample.accounts());
        portal = state.namespace(Role.PORTAL).call(() -> PortalEmulator.start(config));
        gateway = state.namespace(Role.GATEWAY).start("gateway", JavaCommand.forMain(GatewayMain.class,
                List.of("--api-url", API, "--token", "change-me-gateway-token")));
        await("the gateway to join", () -> gateway.recentOutput().contains("Joined the portal"), WAIT, gateway);
        dir = Files.createTempDirectory(state.runDirectory(), "service");
    }

    @AfterEach
    void down() {
        try {
            if (service != null) {
                service.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            if (portal != null) {
                portal.close();
            }
        } finally {
            if (stateFile != null) {
                DemoTopology.down(stateFile);
            }
        }
    }

    @Test
    void plainSocketsReachTheWebServerByAddressAndByName() throws Exception {
        NetworkNamespace client = state.namespace(Role.CLIENT);
        Path resolvConf = Path.of("/etc/netns", client.name(), "resolv.conf");
        Path token = Files.writeString(dir.resolve("token"), portal.issueToken("demo", "alice@flint.test", "n0nce"));
        service = client.start("service", JavaCommand.forMain(FlintTunnel.class, List.of("headless",
                "--token-file", token.toString(), "--api-url", API, "--dns-control", "etc-resolv-conf",
                "--state-dir", dir.resolve("state").toString(), "--runtime-dir", dir.resolve("run").toString(),
                "--log-dir", dir.resolve("log").toString())));
        await("the resource routes", () -> client.command("ip", "route", "show", "table",
                Integer.toString(PolicyRouting.TABLE)).runAllowingFailure().stdout().contains("172.20.0.0/24"),
                WAIT, service);

        assertThat(get(client, InetAddress.getByName("172.20.0.10"))).contains("flint devstack resource");

        Matcher sentinel = Pattern.compile("nameserver (100\\.100\\.111\\.\\d+)").matcher(Files.readString(resolvConf));
        assertThat(sentinel.find()).isTrue();
        InetAddress proxy = resolve(client, InetAddress.getByName(sentinel.group(1)), "web.flint.test");
        assertThat(AddressPlan.isProxy(proxy)).as(proxy.toString()).isTrue();
        assertThat(get(client, proxy)).contains("flint devstack resource");
        assertThat(gateway.recentOutput()).contains("may reach CIDR resource Resource network",
                "may reach DNS resource Web by name");
    }

    /** An HTTP/1.0 GET of {@code /} on port 80, from a socket in {@code ns}. */
    static String get(NetworkNamespace ns, InetAddress server) throws Exception {
        return ns.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server, 80), (int) WAIT.toMillis());
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: web.flint.test\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    /** A DNS question from {@code ns}, asked again each second as a resolver does. */
    static InetAddress resolve(NetworkNamespace ns, InetAddress server, String name) throws Exception {
        byte[] query = DnsCodec.encode(DnsMessage.query(0x5e5, name, RecordType.A));
        byte[] reply = ns.call(() -> UdpExchange.ask(new InetSocketAddress(server, 53), query, WAIT));
        DnsMessage answer = ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(reply)).message();
        return ((RData.A) answer.answers().getFirst().data()).address();
    }
}
