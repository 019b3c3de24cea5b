package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.devstack.topology.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which path a connection ends on, for every pair of NAT behaviours: Flint's client (a real {@link
 * dev.flint.shell.client.ClientTunnel} with its TUN device) behind one router, the devstack gateway behind the other,
 * coturn on the internet, one connection per row. Hole punching must get through every pair of cone NATs, and a
 * symmetric NAT facing a full-cone one (through a peer-reflexive candidate); only a symmetric NAT facing one that
 * filters by port leaves the relay. A connection may start on the relay and move to the direct pair when its checks
 * succeed, so the row looks at the last path the gateway reported.
 */
@Tag("privileged")
class NatMatrixTest {

    @BeforeAll
    static void requirements() {
        GatewayStack.assumeSupported();
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
            Arguments.of(NatType.NONE, NatType.NONE, "direct path"),
            Arguments.of(NatType.FULL_CONE, NatType.FULL_CONE, "direct path"),
            Arguments.of(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE, "direct path"),
            Arguments.of(NatType.PORT_RESTRICTED_CONE, NatType.FULL_CONE, "direct path"),
            Arguments.of(NatType.SYMMETRIC, NatType.FULL_CONE, "direct path"),
            Arguments.of(NatType.SYMMETRIC, NatType.PORT_RESTRICTED_CONE, "relay"),
            Arguments.of(NatType.SYMMETRIC, NatType.SYMMETRIC, "relay"));
    }

    @ParameterizedTest(name = "client {0}, gateway {1}: {2}")
    @MethodSource("matrix")
    void theConnectionEndsOnThePathTheNatsAllow(NatType clientNat, NatType gatewayNat, String expected)
            throws Exception {
        try (GatewayStack stack = GatewayStack.up(clientNat, gatewayNat);
             TunnelClient alice = new TunnelClient(stack.namespace(Role.CLIENT), stack.token("alice@flint.test"),
                 "matrix", "tun-matrix")) {
            assertThat(httpGet(stack.namespace(Role.CLIENT))).contains("200 OK", "you are 172.20.0.1");
            stack.awaitOutput("connected via");
            if (expected.equals("direct path")) {
                // A relayed start moves once a direct pair's checks succeed; that is the gateway's last word.
                TunnelClient.await("a direct path with a " + clientNat.label() + " client NAT and a "
                    + gatewayNat.label() + " gateway NAT (last said: " + stack.lastPath() + ")",
                    () -> "direct path".equals(stack.lastPath()));
            } else {
                assertThat(stack.lastPath()).as(stack.gateway().recentOutput()).isEqualTo("relay");
                assertThat(stack.gateway().recentOutput()).doesNotContain("connected via direct path");
            }
            // Data still flows on the final path.
            assertThat(httpGet(stack.namespace(Role.CLIENT))).contains("200 OK");
            assertThat(alice.stopped.get()).isNull();
        }
    }

    /** A plain HTTP/1.0 GET of the web resource from the client namespace; the connect waits for the tunnel. */
    private static String httpGet(NetworkNamespace client) throws Exception {
        Socket socket = client.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.ofLiteral("172.20.0.10"), 80),
                (int) GatewayStack.WAIT.toMillis());
            return s;
        });
        try (socket) {
            socket.setSoTimeout((int) GatewayStack.WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 172.20.0.10\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
