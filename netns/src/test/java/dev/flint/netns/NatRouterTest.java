package dev.flint.netns;

import dev.flint.connlib.net.IpPrefix;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client behind each NAT type talks to UDP servers on a "public" network, over IPv4 and over IPv6 (NAT66). The servers report the source they
 * see (the mapping) and a socket the client never contacted sends to that mapping (the filtering).
 */
@Tag("privileged")
class NatRouterTest {

    private static final IpPrefix INTERNET = IpPrefix.parse("198.18.0.0/24");
    private static final IpPrefix INTERNET6 = IpPrefix.parse("2001:db8:18::/64");

    @BeforeAll
    static void requireRoot() {
        assumeTrue(Topology.isSupported(), "needs root and iproute2");
    }

    static Stream<Arguments> typesAndFamilies() {
        // Full cone is an IPv4-only approximation (see NatRouter); over IPv6 it behaves as port-restricted.
        return Stream.of(NatType.values()).flatMap(type -> type == NatType.FULL_CONE
            ? Stream.of(Arguments.of(type, 4))
            : Stream.of(Arguments.of(type, 4), Arguments.of(type, 6)));
    }

    @ParameterizedTest(name = "{0} IPv{1}")
    @MethodSource("typesAndFamilies")
    void mappingAndFilteringBehaveAsTheTypeSays(NatType type, int family) throws Exception {
        Topology net = Topology.create("nt");
        try (net) {
            Internet internet = Internet.create(net, "inet", INTERNET, INTERNET6);
            Internet.NatSite site = internet.attachSite("r", "c", type, 2, IpPrefix.parse("10.80.0.0/24"),
                IpPrefix.parse("fd80::/64"));
            NetworkNamespace servers = internet.attachHost("p", 10);
            IpPrefix a = family == 4 ? INTERNET.host(10) : internet.address6(10).orElseThrow();
            IpPrefix b = family == 4 ? INTERNET.host(11) : internet.address6(11).orElseThrow();
            servers.addAddress("eth0", b);
            InetAddress client = (family == 4 ? site.hostAddress() : site.hostAddress6()).address();
            InetAddress routerOutside = (family == 4 ? site.outside() : site.outside6()).address();

            try (DatagramSocket socket = site.host().openUdpSocket(new InetSocketAddress(client, 0));
                 DatagramSocket a1 = servers.openUdpSocket(new InetSocketAddress(a.address(), 7000));
                 DatagramSocket b1 = servers.openUdpSocket(new InetSocketAddress(b.address(), 7001));
                 DatagramSocket a2 = servers.openUdpSocket(new InetSocketAddress(a.address(), 7002));
                 DatagramSocket stranger = servers.openUdpSocket(new InetSocketAddress(a.address(), 7999))) {
                List<InetSocketAddress> seen = new ArrayList<>();
                for (DatagramSocket server : List.of(a1, b1, a2)) {
                    send(socket, "hello", server.getLocalSocketAddress());
                    seen.add(receive(server).source());
                }
                Set<Integer> ports = new HashSet<>();
                seen.forEach(source -> ports.add(source.getPort()));
                InetSocketAddress mapped = seen.getFirst();

                switch (type) {
                    case NONE -> assertThat(seen).containsOnly(new InetSocketAddress(client, socket.getLocalPort()));
                    case FULL_CONE, PORT_RESTRICTED_CONE -> assertThat(seen)
                        .as("one outside port for every destination, the inside port preserved")
                        .containsOnly(new InetSocketAddress(routerOutside, socket.getLocalPort()));
                    case SYMMETRIC -> {
                        assertThat(seen).extracting(InetSocketAddress::getAddress).containsOnly(routerOutside);
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

    /**
     * Hole punching's race: the peer's first packet reaches our router before ours leaves. An endpoint-independent
     * mapping must still give our flow to that peer the port every other destination sees.
     */
    @ParameterizedTest(name = "IPv{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 6})
    void aPeersEarlyPacketDoesNotMoveThePortRestrictedMapping(int family) throws Exception {
        Topology net = Topology.create("nr");
        try (net) {
            Internet internet = Internet.create(net, "inet", INTERNET, INTERNET6);
            Internet.NatSite site = internet.attachSite("r", "c", NatType.PORT_RESTRICTED_CONE, 2,
                IpPrefix.parse("10.81.0.0/24"), IpPrefix.parse("fd81::/64"));
            NetworkNamespace peers = internet.attachHost("p", 10);
            IpPrefix a = family == 4 ? INTERNET.host(10) : internet.address6(10).orElseThrow();
            InetAddress client = (family == 4 ? site.hostAddress() : site.hostAddress6()).address();
            InetAddress routerOutside = (family == 4 ? site.outside() : site.outside6()).address();
            try (DatagramSocket socket = site.host().openUdpSocket(new InetSocketAddress(client, 0));
                 DatagramSocket peer = peers.openUdpSocket(new InetSocketAddress(a.address(), 7100))) {
                InetSocketAddress expected = new InetSocketAddress(routerOutside, socket.getLocalPort());
                send(peer, "early", expected); // dropped by the router: nothing maps that port yet
                send(socket, "punch", peer.getLocalSocketAddress());
                assertThat(receive(peer).source()).as("the port every destination sees").isEqualTo(expected);
                send(peer, "through", expected);
                assertThat(receive(socket).text()).isEqualTo("through");
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
        socket.setSoTimeout((int) RealTimeWait.GENEROUS.toMillis());
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing arrived at " + socket.getLocalSocketAddress(), e);
        }
        return new Received(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8),
            (InetSocketAddress) packet.getSocketAddress());
    }

}
