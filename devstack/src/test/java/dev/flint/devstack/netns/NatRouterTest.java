package dev.flint.devstack.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client behind each NAT type talks to UDP servers on a "public" network. The servers report the source they
 * see (the mapping) and a socket the client never contacted sends to that mapping (the filtering).
 */
@Tag("privileged")
class NatRouterTest {

    private static final InetAddress CLIENT = address("10.80.0.2");
    private static final InetAddress ROUTER_INSIDE = address("10.80.0.1");
    private static final InetAddress ROUTER_OUTSIDE = address("198.18.0.1");
    private static final InetAddress SERVER_A = address("198.18.0.10");
    private static final InetAddress SERVER_B = address("198.18.0.11");

    @BeforeAll
    static void requireRoot() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void mappingAndFilteringBehaveAsTheTypeSays(NatType type) throws Exception {
        Topology net = Topology.create("nt");
        try (net) {
            NetworkNamespace client = net.namespace("c");
            NetworkNamespace router = net.namespace("r");
            NetworkNamespace internet = net.namespace("p");
            VethPair lan = net.veth(client, "eth0", router, "lan").up();
            lan.a().addAddress(new IpPrefix(CLIENT, 24));
            lan.b().addAddress(new IpPrefix(ROUTER_INSIDE, 24));
            VethPair wan = net.veth(router, "wan", internet, "eth0").up();
            wan.a().addAddress(new IpPrefix(ROUTER_OUTSIDE, 24));
            wan.b().addAddress(new IpPrefix(SERVER_A, 24)).addAddress(new IpPrefix(SERVER_B, 24));
            client.addDefaultRoute(ROUTER_INSIDE);
            internet.addRoute(IpPrefix.parse("10.80.0.0/24"), ROUTER_OUTSIDE);
            NatRouter.install(router, type, "lan", "wan", CLIENT);

            try (DatagramSocket socket = client.openUdpSocket(new InetSocketAddress(CLIENT, 0));
                 DatagramSocket a1 = internet.openUdpSocket(new InetSocketAddress(SERVER_A, 7000));
                 DatagramSocket b1 = internet.openUdpSocket(new InetSocketAddress(SERVER_B, 7001));
                 DatagramSocket a2 = internet.openUdpSocket(new InetSocketAddress(SERVER_A, 7002));
                 DatagramSocket stranger = internet.openUdpSocket(new InetSocketAddress(SERVER_A, 7999))) {
                List<InetSocketAddress> seen = new ArrayList<>();
                for (DatagramSocket server : List.of(a1, b1, a2)) {
                    send(socket, "hello", server.getLocalSocketAddress());
                    seen.add(receive(server).source());
                }
                Set<Integer> ports = new HashSet<>();
                seen.forEach(source -> ports.add(source.getPort()));
                InetSocketAddress mapped = seen.getFirst();

                switch (type) {
                    case NONE -> assertThat(seen).containsOnly(new InetSocketAddress(CLIENT, socket.getLocalPort()));
                    case FULL_CONE, PORT_RESTRICTED_CONE -> assertThat(seen)
                        .as("one outside port for every destination, the inside port preserved")
                        .containsOnly(new InetSocketAddress(ROUTER_OUTSIDE, socket.getLocalPort()));
                    case SYMMETRIC -> {
                        assertThat(seen).extracting(InetSocketAddress::getAddress).containsOnly(ROUTER_OUTSIDE);
                        assertThat(ports).as("a new outside port per destination").hasSizeGreaterThan(1);
                    }
                }

                // The stranger shares server A's address but not its port. Its packet goes first; the reply
                // from the contacted server follows on the same path, so whatever arrives first tells.
                send(stranger, "unsolicited", mapped);
                send(a1, "reply", mapped);
                List<String> received = new ArrayList<>();
                received.add(receive(socket).text());
                if (received.getFirst().equals("unsolicited")) {
                    received.add(receive(socket).text());
                }
                switch (type) {
                    case NONE, FULL_CONE -> assertThat(received).containsExactly("unsolicited", "reply");
                    case PORT_RESTRICTED_CONE, SYMMETRIC -> assertThat(received).containsExactly("reply");
                }
            }
        }
        assertThat(net.leftoverNamespaces()).isEmpty();
    }

    private record Received(String text, InetSocketAddress source) {
    }

    private static void send(DatagramSocket from, String text, java.net.SocketAddress to) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static Received receive(DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[1500];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout(10_000);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing arrived at " + socket.getLocalSocketAddress(), e);
        }
        return new Received(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8),
            (InetSocketAddress) packet.getSocketAddress());
    }

    private static InetAddress address(String literal) {
        return IpPrefix.parse(literal).address();
    }
}
