package dev.flint.shell.linux;

import static dev.flint.shell.linux.NamespacePair.A4;
import static dev.flint.shell.linux.NamespacePair.A4_SECOND;
import static dev.flint.shell.linux.NamespacePair.A6;
import static dev.flint.shell.linux.NamespacePair.A6_SECOND;
import static dev.flint.shell.linux.NamespacePair.B4;
import static dev.flint.shell.linux.NamespacePair.B6;
import static dev.flint.shell.linux.NamespacePair.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local address of every received datagram and the source address of every sent one, on one
 * dual-stack wildcard socket in namespace {@code a} talking over a veth pair to plain JDK channels
 * in {@code b} (an independent view of what went over the wire).
 */
@Tag("privileged")
class PacketInfoTest {

    private static NamespacePair net;

    @BeforeAll
    static void network() throws IOException {
        assumeThat(System.getProperty("user.name")).as("root (network namespaces)").isEqualTo("root");
        net = NamespacePair.create();
    }

    @AfterAll
    static void removeNetwork() throws IOException {
        if (net != null) {
            net.close();
        }
    }

    static Stream<Arguments> familiesAndOffloads() {
        List<Arguments> all = new ArrayList<>();
        for (UdpOffloads offloads : List.of(UdpOffloads.ALL, UdpOffloads.NONE)) {
            all.add(Arguments.of(A4, A4_SECOND, B4, offloads));
            all.add(Arguments.of(A6, A6_SECOND, B6, offloads));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} and {1} from {2}, {3}")
    @MethodSource("familiesAndOffloads")
    void reportsWhichLocalAddressEachDatagramArrivedAt(String local, String secondLocal, String peer,
            UdpOffloads offloads) throws Exception {
        try (LinuxUdpSocket socket = net.inA(() -> LinuxUdpSocket.bind(0, offloads));
             DatagramChannel sender = net.inB(() -> DatagramChannel.open().bind(new InetSocketAddress(ip(peer), 0)));
             DatagramBatch in = new DatagramBatch(8, 2048)) {
            String[] targets = {local, secondLocal, local, secondLocal};
            for (int i = 0; i < targets.length; i++) {
                sender.send(ascii("to " + i), new InetSocketAddress(ip(targets[i]), socket.port()));
            }
            List<Datagram> got = Datagram.receive(socket, in, targets.length);
            for (int i = 0; i < targets.length; i++) {
                Datagram d = got.get(i);
                assertThat(d.text()).isEqualTo("to " + i);
                assertThat(d.from()).isEqualTo(sender.getLocalAddress());
                assertThat(d.local()).isEqualTo(new InetSocketAddress(ip(targets[i]), socket.port()));
            }
        }
    }

    static Stream<Arguments> sources() {
        return Stream.of(
            Arguments.of(A4, A4_SECOND, B4, false),
            Arguments.of(A4, A4_SECOND, B4, true),
            Arguments.of(A6, A6_SECOND, B6, false));
    }

    /**
     * Both ways of naming an IPv4 source on the dual-stack socket work on this kernel: IP_PKTINFO's
     * ipi_spec_dst (what the socket uses) and a v4-mapped IPV6_PKTINFO.
     */
    @ParameterizedTest(name = "{0} and {1} to {2}, v4-mapped IPV6_PKTINFO {3}")
    @MethodSource("sources")
    void sendsFromTheSourceEachSlotNames(String source, String secondSource, String peer, boolean mappedPacketInfo)
            throws Exception {
        try (LinuxUdpSocket socket = net.inA(() -> LinuxUdpSocket.bind(0));
             DatagramChannel receiver = net.inB(() -> DatagramChannel.open().bind(new InetSocketAddress(ip(peer), 0)));
             DatagramBatch out = new DatagramBatch(8, 2048)) {
            socket.useMappedPacketInfo(mappedPacketInfo);
            var to = DatagramBatch.encode((InetSocketAddress) receiver.getLocalAddress());
            String[] sources = {secondSource, source, secondSource, null};
            for (int i = 0; i < sources.length; i++) {
                out.packets().add(ascii("from " + i));
                out.setAddress(i, to);
                if (sources[i] != null) {
                    out.setSource(i, ip(sources[i]));
                } else {
                    out.clearSource(i);
                }
            }
            socket.send(out);
            assertThat(socket.sendErrors()).isZero();
            receiver.configureBlocking(true);
            for (int i = 0; i < sources.length; i++) {
                ByteBuffer b = ByteBuffer.allocate(100);
                // Blocks until the datagram arrives; they were sent over a directly connected veth.
                InetSocketAddress from = (InetSocketAddress) receiver.receive(b);
                assertThat(StandardCharsets.US_ASCII.decode(b.flip()).toString()).isEqualTo("from " + i);
                // Without a source the route's preferred source is the first address added.
                String expected = sources[i] == null ? source : sources[i];
                assertThat(from).isEqualTo(new InetSocketAddress(ip(expected), socket.port()));
            }
        }
    }

    @ParameterizedTest(name = "{0} and {1} from {2}, {3}")
    @MethodSource("familiesAndOffloads")
    void answersFromTheAddressADatagramArrivedAt(String local, String secondLocal, String peer, UdpOffloads offloads)
            throws Exception {
        try (LinuxUdpSocket socket = net.inA(() -> LinuxUdpSocket.bind(0, offloads));
             DatagramChannel client = net.inB(() -> DatagramChannel.open().bind(new InetSocketAddress(ip(peer), 0)));
             DatagramBatch batch = new DatagramBatch(8, 2048)) {
            client.send(ascii("one"), new InetSocketAddress(ip(local), socket.port()));
            client.send(ascii("two"), new InetSocketAddress(ip(secondLocal), socket.port()));
            assertThat(Datagram.receive(socket, batch, 2)).hasSize(2);
            for (int i = 0; i < 2; i++) {
                batch.setSource(i, batch.localAddress(i));
            }
            socket.send(batch);
            ByteBuffer b = ByteBuffer.allocate(100);
            assertThat(client.receive(b)).isEqualTo(new InetSocketAddress(ip(local), socket.port()));
            assertThat(client.receive(b.clear())).isEqualTo(new InetSocketAddress(ip(secondLocal), socket.port()));
        }
    }

    @Test
    void aSourceThatIsNotOursCostsOnlyItsDatagram() throws Exception {
        try (LinuxUdpSocket socket = net.inA(() -> LinuxUdpSocket.bind(0));
             DatagramChannel receiver = net.inB(() -> DatagramChannel.open().bind(new InetSocketAddress(ip(B4), 0)));
             DatagramBatch out = new DatagramBatch(4, 2048)) {
            var to = DatagramBatch.encode((InetSocketAddress) receiver.getLocalAddress());
            out.packets().add(ascii("lost"));
            out.setAddress(0, to);
            out.setSource(0, ip("10.99.99.99"));
            out.packets().add(ascii("kept"));
            out.setAddress(1, to);
            out.clearSource(1);
            socket.send(out);
            assertThat(socket.sendErrors()).isEqualTo(1);
            ByteBuffer b = ByteBuffer.allocate(100);
            receiver.receive(b);
            assertThat(StandardCharsets.US_ASCII.decode(b.flip()).toString()).isEqualTo("kept");
        }
    }

    @Test
    void prefersFirezonesPortAndFallsBackToAFreeOne() throws Exception {
        try (LinuxUdpSocket first = net.inA(() -> LinuxUdpSocket.bindPreferring(LinuxUdpSocket.FIREZONE_PORT));
             LinuxUdpSocket second = net.inA(() -> LinuxUdpSocket.bindPreferring(LinuxUdpSocket.FIREZONE_PORT))) {
            assertThat(first.port()).isEqualTo(52625);
            assertThat(second.port()).isPositive().isNotEqualTo(52625);
            assertThatThrownBy(() -> net.inA(() -> LinuxUdpSocket.bind(LinuxUdpSocket.FIREZONE_PORT)))
                .isInstanceOf(IOException.class).hasMessageContaining("52625");
        }
    }

    @Test
    void marksItsPackets() throws Exception {
        try (LinuxUdpSocket socket = net.inA(() -> LinuxUdpSocket.bind(0))) {
            socket.setMark(0xfd002021);
            assertThat(socket.mark()).isEqualTo(0xfd002021);
            socket.setMark(0);
            assertThat(socket.mark()).isZero();
        }
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
