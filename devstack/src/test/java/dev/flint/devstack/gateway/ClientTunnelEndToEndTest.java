package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.connlib.dns.AddressPlan;
import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.Rcode;
import dev.flint.connlib.dns.RecordType;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.devstack.topology.Role;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.netns.UdpExchange;
import dev.flint.shell.client.ClientTunnel;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import dev.flint.shell.portal.UserAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole data plane end to end: Flint's client ({@link ClientTunnel} with a real TUN device) in the client
 * namespace signs in to the portal emulator with a token, reaches the resources behind the devstack gateway through
 * both NATs and coturn, and ordinary sockets in the client namespace carry the traffic.
 */
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTunnelEndToEndTest {
    static final String TUN = "tun-gwt";
    static final Duration WAIT = GatewayStack.WAIT;

    private GatewayStack stack;
    private NetworkNamespace client;
    private TunnelClient current;
    private DatagramSocket portTaken;

    @BeforeAll
    void up() throws Exception {
        GatewayStack.assumeSupported();
        stack = GatewayStack.up(natType());
        client = stack.namespace(Role.CLIENT);
    }

    NatType natType() {
        return NatType.PORT_RESTRICTED_CONE;
    }

    @AfterEach
    void keepGoing() {
        if (current != null && current.stopped.get() != null) {
            throw new AssertionError("the client stopped: " + current.stopped.get());
        }
    }

    @AfterAll
    void down() throws IOException {
        if (stack != null) {
            // Kept for reading after a failure: what the gateway said.
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", getClass().getSimpleName() + "-gateway.log"),
                stack.gateway().recentOutput());
        }
        if (current != null) {
            current.close();
        }
        if (portTaken != null) {
            portTaken.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    TunnelClient signIn(String email) throws Exception {
        if (current != null) {
            current.close();
            current = null;
            TunnelClient.await("the previous TUN device to go", () -> !client.links().contains(TUN));
        }
        if (portTaken == null && !email.startsWith("alice")) {
            // The next user signs in as a second device would: from another port. On the same port behind the
            // same NAT mapping, coturn still holds the previous client's TURN allocation for that 5-tuple and the
            // new client cannot replace it (its credentials differ), so it would have no relay path.
            // The previous client's socket on that port may still be closing.
            java.net.DatagramSocket[] taken = new java.net.DatagramSocket[1];
            TunnelClient.await("port 52625 to be free", () -> {
                try {
                    taken[0] = client.openUdpSocket(new InetSocketAddress(InetAddress.ofLiteral("10.10.1.2"), 52625));
                    return true;
                } catch (IllegalStateException stillBound) {
                    return false;
                }
            });
            portTaken = taken[0];
        }
        current = new TunnelClient(client, stack.token(email), "gwt-" + email, TUN);
        return current;
    }

    @Test
    @Order(1)
    void reachesTheDnsResourceByNameThroughTheSentinel() throws Exception {
        TunnelClient alice = signIn("alice@flint.test");
        DnsMessage answer = ask(alice.sentinel(), "web.flint.test");
        assertThat(answer.rcode()).isEqualTo(Rcode.NOERROR);
        InetAddress proxy = ((RData.A) answer.answers().getFirst().data()).address();
        assertThat(AddressPlan.isProxy(proxy)).as("a proxy address, not the real one: " + proxy).isTrue();

        String page = httpGet(proxy, "web.flint.test");
        assertThat(page).contains("200 OK", "flint devstack resource web.flint.test", "you are 172.20.0.1");
        stack.awaitOutput("may reach DNS resource Web by name (web.flint.test)");
        stack.awaitOutput(natType() == NatType.SYMMETRIC ? "connected via relay" : "connected via");
    }

    @Test
    @Order(2)
    void reachesTheCidrResourceByAddress() throws Exception {
        TunnelClient alice = current != null ? current : signIn("alice@flint.test");
        assertThat(alice.config().routes()).contains(IpPrefix.of("172.20.0.0/24"));
        String page = httpGet(InetAddress.ofLiteral("172.20.0.10"), "172.20.0.10");
        assertThat(page).contains("200 OK", "you are 172.20.0.1");
        stack.awaitOutput("may reach CIDR resource Resource network (172.20.0.0/24)");
    }

    @Test
    @Order(3)
    void aResourceOutsideTheUsersPoliciesIsNotReachable() throws Exception {
        NetworkNamespace resources = stack.namespace(Role.RESOURCES);
        TunnelClient bob = signIn("bob@flint.test");
        TunnelClient.await("bob's resources", () -> !bob.resources.isEmpty());
        assertThat(bob.resources.getLast()).extracting(Resource::id).hasSize(1);
        assertThat(bob.config().routes()).doesNotContain(IpPrefix.of("172.20.0.0/24"));
        resources.nft("""
            table inet gwt_bob {
              chain input {
                type filter hook input priority 0; policy accept;
                ip daddr 172.20.0.10 tcp dport 80 counter
              }
            }
            """);
        assertThatThrownBy(() -> httpGet(InetAddress.ofLiteral("172.20.0.10"), "172.20.0.10"))
            .isInstanceOf(IOException.class);
        assertThat(resources.exec("nft", "list", "table", "inet", "gwt_bob")).contains("counter packets 0 bytes 0");

        // What bob may reach still works, and the same counter sees it (so it would have seen the refused one).
        InetAddress proxy = ((RData.A) ask(bob.sentinel(), "web.flint.test").answers().getFirst().data()).address();
        assertThat(httpGet(proxy, "web.flint.test")).contains("200 OK");
        assertThat(resources.exec("nft", "list", "table", "inet", "gwt_bob")).doesNotContain("counter packets 0 bytes 0")
            .containsPattern("counter packets [1-9]");
        resources.exec("nft", "delete", "table", "inet", "gwt_bob");
    }

    /** A DNS question from the client namespace, asked again each second as a resolver does. */
    DnsMessage ask(InetAddress server, String name) throws Exception {
        byte[] query = DnsCodec.encode(DnsMessage.query(0x6774, name, RecordType.A));
        byte[] answer = client.call(() -> UdpExchange.ask(new InetSocketAddress(server, 53), query, WAIT));
        return ((DnsCodec.DecodeResult.Decoded) DnsCodec.decode(answer)).message();
    }

    /** A plain HTTP/1.0 GET from the client namespace; the connect waits while the tunnel comes up. */
    String httpGet(InetAddress address, String host) throws Exception {
        Socket socket = client.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(address, 80), (int) WAIT.toMillis());
            return s;
        });
        try (socket) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
