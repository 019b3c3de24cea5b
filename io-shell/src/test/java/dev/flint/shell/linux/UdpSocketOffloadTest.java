package dev.flint.shell.linux;

import static dev.flint.shell.linux.NamespacePair.A4;
import static dev.flint.shell.linux.NamespacePair.A6;
import static dev.flint.shell.linux.NamespacePair.B4;
import static dev.flint.shell.linux.NamespacePair.B6;
import static dev.flint.shell.linux.NamespacePair.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GSO on send and GRO on receive between two real sockets in namespaces joined by a veth pair, and
 * the same traffic with the offloads turned off: what arrives must not depend on them.
 */
@Tag("privileged")
class UdpSocketOffloadTest {

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

    static Stream<Arguments> offloadPairs() {
        List<Arguments> all = new ArrayList<>();
        for (String[] family : new String[][]{{A4, B4}, {A6, B6}}) {
            for (UdpOffloads sender : List.of(UdpOffloads.ALL, UdpOffloads.NONE)) {
                for (UdpOffloads receiver : List.of(UdpOffloads.ALL, UdpOffloads.NONE)) {
                    all.add(Arguments.of(family[0], family[1], sender, receiver));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}, sender {2}, receiver {3}")
    @MethodSource("offloadPairs")
    void fortyEqualDatagramsArriveAsFortyInOrder(String from, String to, UdpOffloads senderOffloads,
            UdpOffloads receiverOffloads) throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0, senderOffloads));
             LinuxUdpSocket receiver = net.inB(() -> LinuxUdpSocket.bind(0, receiverOffloads));
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(64, 2048)) {
            assertThat(sender.offloads()).isEqualTo(senderOffloads);
            assertThat(receiver.offloads()).isEqualTo(receiverOffloads);
            MemorySegment destination = DatagramBatch.encode(new InetSocketAddress(ip(to), receiver.port()));
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(payload(i, 1300));
                add(out, sent.getLast(), destination);
            }
            sender.send(out);

            List<Datagram> got = Datagram.receive(receiver, in, 40);
            for (int i = 0; i < 40; i++) {
                assertThat(got.get(i).data()).as("datagram %d", i).isEqualTo(sent.get(i));
                assertThat(got.get(i).from()).isEqualTo(new InetSocketAddress(ip(from), sender.port()));
                assertThat(got.get(i).local()).isEqualTo(new InetSocketAddress(ip(to), receiver.port()));
            }
            assertThat(sender.sendErrors()).isZero();
            assertThat(receiver.receiveDrops()).isZero();
            assertThat(sender.coalescedSends()).isEqualTo(senderOffloads.gso() ? 1 : 0);
            // A GSO super-datagram crosses the veth whole; the kernel cuts it up for a socket without GRO.
            assertThat(receiver.coalescedReceives()).isEqualTo(senderOffloads.gso() && receiverOffloads.gro() ? 1 : 0);
        }
    }

    static Stream<UdpOffloads> senderOffloads() {
        return Stream.of(UdpOffloads.ALL, UdpOffloads.NONE);
    }

    @ParameterizedTest(name = "sender {0}")
    @MethodSource("senderOffloads")
    void mixedDestinationsAndSizesArriveInOrderPerDestination(UdpOffloads senderOffloads) throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0, senderOffloads));
             LinuxUdpSocket first = net.inB(() -> LinuxUdpSocket.bind(0, UdpOffloads.ALL));
             LinuxUdpSocket second = net.inB(() -> LinuxUdpSocket.bind(0, UdpOffloads.NONE));
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(64, 2048)) {
            InetSocketAddress p4 = new InetSocketAddress(ip(B4), first.port());
            InetSocketAddress p6 = new InetSocketAddress(ip(B6), first.port());
            InetSocketAddress q4 = new InetSocketAddress(ip(B4), second.port());
            Map<InetSocketAddress, List<byte[]>> expected = new LinkedHashMap<>();
            int[][] runs = {
                // {destination (0 = p4, 1 = p6, 2 = q4), count, length, length of an extra last one (-1: none)}
                {0, 10, 1300, 400},  // a run that ends shorter: one super-datagram
                {1, 5, 1200, -1},    // same socket, the other family
                {2, 3, 1300, -1},    // another socket
                {0, 7, 1300, 1301},  // a longer one ends the run and goes alone
                {0, 1, 0, -1},       // empty datagrams never join a run
                {0, 2, 1, -1},
                {1, 1, 100, -1},
            };
            int index = 0;
            for (int[] run : runs) {
                InetSocketAddress to = switch (run[0]) {
                    case 0 -> p4;
                    case 1 -> p6;
                    default -> q4;
                };
                MemorySegment raw = DatagramBatch.encode(to);
                for (int i = 0; i < run[1] + (run[3] >= 0 ? 1 : 0); i++) {
                    byte[] data = payload(index++, i < run[1] ? run[2] : run[3]);
                    expected.computeIfAbsent(to, k -> new ArrayList<>()).add(data);
                    add(out, data, raw);
                }
            }
            sender.send(out);
            assertThat(sender.sendErrors()).isZero();
            // Runs: p4 10+1, p6 5, q4 3, p4 7, p4 1 (1301), p4 1 (empty), p4 2 (1 byte), p6 1.
            assertThat(sender.coalescedSends()).isEqualTo(senderOffloads.gso() ? 5 : 0);

            Map<InetSocketAddress, List<byte[]>> got = new LinkedHashMap<>();
            for (Datagram d : Datagram.receive(first, in, expected.get(p4).size() + expected.get(p6).size())) {
                got.computeIfAbsent(d.local(), k -> new ArrayList<>()).add(d.data());
            }
            for (Datagram d : Datagram.receive(second, in, expected.get(q4).size())) {
                got.computeIfAbsent(d.local(), k -> new ArrayList<>()).add(d.data());
            }
            assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (var e : expected.entrySet()) {
                assertThat(got.get(e.getKey())).as("to %s", e.getKey()).containsExactlyElementsOf(e.getValue());
            }
        }
    }

    @Test
    void aSuperDatagramLargerThanTheBatchIsHandedOutOverSeveralReceives() throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0));
             LinuxUdpSocket receiver = net.inB(() -> LinuxUdpSocket.bind(0));
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(16, 2048)) {
            assumeThat(receiver.offloads().gro()).as("the kernel has UDP GRO").isTrue();
            assumeThat(sender.offloads().gso()).as("the kernel has UDP GSO").isTrue();
            MemorySegment destination = DatagramBatch.encode(new InetSocketAddress(ip(B4), receiver.port()));
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 41; i++) {
                sent.add(payload(i, i < 40 ? 1300 : 500));
                add(out, sent.getLast(), destination);
            }
            sender.send(out);

            List<Integer> counts = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            long deadline = System.nanoTime() + Datagram.DEADLINE_NANOS;
            // Waits (10 s at most) for the 41 datagrams already sent over the veth pair.
            while (got.size() < 41 && System.nanoTime() < deadline) {
                int n = receiver.receive(in, 200);
                if (n > 0) {
                    counts.add(n);
                }
                for (int i = 0; i < n; i++) {
                    got.add(Datagram.of(in, i).data());
                    assertThat(in.socketAddress(i)).isEqualTo(new InetSocketAddress(ip(A4), sender.port()));
                    assertThat(in.localSocketAddress(i)).isEqualTo(new InetSocketAddress(ip(B4), receiver.port()));
                }
            }
            assertThat(counts).containsExactly(16, 16, 9);
            assertThat(got).containsExactlyElementsOf(sent);
            assertThat(receiver.coalescedReceives()).isEqualTo(1);
            assertThat(receiver.receive(in, 0)).isZero();
        }
    }

    static Stream<UdpOffloads> receiverOffloads() {
        return Stream.of(UdpOffloads.ALL, UdpOffloads.NONE);
    }

    @ParameterizedTest(name = "receiver {0}")
    @MethodSource("receiverOffloads")
    void datagramsLongerThanASlotAreDroppedAndCounted(UdpOffloads receiverOffloads) throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0));
             LinuxUdpSocket receiver = net.inB(() -> LinuxUdpSocket.bind(0, receiverOffloads));
             DatagramBatch out = new DatagramBatch(8, 2048);
             DatagramBatch in = new DatagramBatch(8, 1000)) {
            MemorySegment destination = DatagramBatch.encode(new InetSocketAddress(ip(B4), receiver.port()));
            byte[] small = payload(1, 200);
            for (int i = 0; i < 3; i++) {
                add(out, payload(i, 1300), destination);
            }
            add(out, small, destination);
            sender.send(out);
            List<Datagram> got = Datagram.receive(receiver, in, 1);
            assertThat(got.getFirst().data()).isEqualTo(small);
            assertThat(receiver.receiveDrops()).isEqualTo(3);
        }
    }

    /**
     * A segment larger than the path MTU makes the kernel refuse a GSO send with EMSGSIZE: that
     * run goes plain (and fragmented) and GSO stays on, whether or not it has worked before.
     */
    @Test
    void aRunLargerThanThePathMtuGoesPlainAndGsoStaysOn() throws Exception {
        try (NamespacePair small = NamespacePair.create();
             LinuxUdpSocket receiver = small.inB(() -> LinuxUdpSocket.bind(0));
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(64, 2048)) {
            MemorySegment destination = DatagramBatch.encode(new InetSocketAddress(ip(B6), receiver.port()));
            try (LinuxUdpSocket proven = small.inA(() -> LinuxUdpSocket.bind(0))) {
                assumeThat(proven.offloads().gso()).as("the kernel has UDP GSO").isTrue();
                fill(out, 0, destination);
                proven.send(out);
                assertThat(Datagram.receive(receiver, in, 20)).hasSize(20);
                assertThat(proven.coalescedSends()).isEqualTo(1);

                small.setMtuOfA(1280);
                out.packets().clear();
                List<byte[]> sent = fill(out, 1, destination);
                proven.send(out);
                assertThat(proven.offloads().gso()).isTrue();
                assertThat(proven.sendErrors()).isZero();
                assertThat(proven.coalescedSends()).isEqualTo(1);
                assertThat(Datagram.receive(receiver, in, 20)).extracting(Datagram::data).containsExactlyElementsOf(sent);
            }
            try (LinuxUdpSocket fresh = small.inA(() -> LinuxUdpSocket.bind(0))) {
                out.packets().clear();
                List<byte[]> sent = fill(out, 2, destination);
                fresh.send(out);
                assertThat(fresh.offloads().gso()).isTrue();
                assertThat(fresh.sendErrors()).isZero();
                assertThat(Datagram.receive(receiver, in, 20)).extracting(Datagram::data).containsExactlyElementsOf(sent);
            }
        }
    }

    /**
     * When the first GSO send fails with EINVAL (here: the kernel refuses GSO on a socket that
     * sends IPv4 without checksums), GSO turns off for good and every datagram still leaves.
     */
    @Test
    void aKernelThatRefusesTheFirstGsoSendTurnsItOff() throws Exception {
        try (LinuxUdpSocket sender = net.inA(() -> LinuxUdpSocket.bind(0));
             LinuxUdpSocket receiver = net.inB(() -> LinuxUdpSocket.bind(0));
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(64, 2048)) {
            assumeThat(sender.offloads().gso()).as("the kernel has UDP GSO").isTrue();
            sender.sendWithoutChecksums();
            MemorySegment destination = DatagramBatch.encode(new InetSocketAddress(ip(B4), receiver.port()));
            List<byte[]> sent = fill(out, 3, destination);
            sender.send(out);
            assertThat(sender.offloads()).isEqualTo(new UdpOffloads(false, true));
            assertThat(sender.coalescedSends()).isZero();
            assertThat(sender.sendErrors()).isZero();
            assertThat(Datagram.receive(receiver, in, 20)).extracting(Datagram::data).containsExactlyElementsOf(sent);
            sender.send(out);
            assertThat(Datagram.receive(receiver, in, 20)).extracting(Datagram::data).containsExactlyElementsOf(sent);
        }
    }

    private static List<byte[]> fill(DatagramBatch out, int round, MemorySegment destination) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(payload(round * 100 + i, 1300));
            add(out, sent.getLast(), destination);
        }
        return sent;
    }

    static void add(DatagramBatch batch, byte[] data, MemorySegment destination) {
        int slot = batch.count();
        assertThat(batch.packets().add(ByteBuffer.wrap(data))).isTrue();
        batch.setAddress(slot, destination);
        batch.clearSource(slot);
    }

    /** {@code length} bytes that differ for every {@code index}, so a swapped or cut datagram shows. */
    static byte[] payload(int index, int length) {
        byte[] data = new byte[length];
        new Random(index).nextBytes(data);
        if (length >= 4) {
            ByteBuffer.wrap(data).putInt(0, index);
        }
        return data;
    }
}
