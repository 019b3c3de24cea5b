package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sending and receiving allocate nothing per datagram once warm: a full batch over loopback, with
 * a source address on every slot, read back with local addresses, with the offloads on and off.
 * The bound (16 bytes per datagram on average) is below the smallest object, so any per-datagram
 * allocation fails it while the JIT's one-off work during the measured rounds does not.
 */
class UdpHotPathAllocationTest {

    private static final int ROUNDS = 400;

    /** Both offloads; plain datagrams into the GRO receiver's staging path; no offloads at all. */
    static Stream<Arguments> offloads() {
        return Stream.of(
            Arguments.of(UdpOffloads.ALL, UdpOffloads.ALL),
            Arguments.of(UdpOffloads.NONE, UdpOffloads.ALL),
            Arguments.of(UdpOffloads.NONE, UdpOffloads.NONE));
    }

    @ParameterizedTest(name = "sender {0}, receiver {1}")
    @MethodSource("offloads")
    void aWarmSendAndReceiveAllocateNothingPerDatagram(UdpOffloads senderOffloads, UdpOffloads receiverOffloads)
            throws Exception {
        try (LinuxUdpSocket sender = LinuxUdpSocket.bind(0, senderOffloads);
             LinuxUdpSocket receiver = LinuxUdpSocket.bind(0, receiverOffloads);
             DatagramBatch out = new DatagramBatch(64, 2048);
             DatagramBatch in = new DatagramBatch(64, 2048)) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            MemorySegment to = DatagramBatch.encode(new InetSocketAddress(loopback, receiver.port()));
            MemorySegment source = DatagramBatch.encodeAddress(loopback);
            for (int i = 0; i < 64; i++) {
                out.packets().add(ByteBuffer.allocate(1200));
                out.setAddress(i, to);
                out.setSource(i, source);
            }
            exchange(sender, receiver, out, in, source, ROUNDS);
            long before = allocatedBytes();
            exchange(sender, receiver, out, in, source, ROUNDS);
            long perDatagram = (allocatedBytes() - before) / (ROUNDS * 64L);
            assertThat(perDatagram).as("bytes allocated per datagram").isLessThan(16);
            assertThat(sender.sendErrors()).isZero();
            assertThat(receiver.receiveDrops()).isZero();
        }
    }

    /** Sends {@code rounds} batches, reading each back; checks stay allocation-free too (no AssertJ here). */
    private static void exchange(LinuxUdpSocket sender, LinuxUdpSocket receiver, DatagramBatch out, DatagramBatch in,
            MemorySegment local, int rounds) throws Exception {
        for (int r = 0; r < rounds; r++) {
            sender.send(out);
            int got = 0;
            while (got < 64) {
                // Waits at most 10 s for datagrams already handed to loopback.
                int n = receiver.receive(in, 10_000);
                if (n <= 0) {
                    throw new AssertionError("nothing arrived within 10 s: " + n);
                }
                for (int i = 0; i < n; i++) {
                    if (!in.localAddressEquals(i, local) || in.packets().length(i) != 1200) {
                        throw new AssertionError("slot " + i + " has the wrong local address or length");
                    }
                }
                got += n;
            }
        }
    }

    /** com.sun.management.ThreadMXBean by reflection: io-shell's module does not read java.management. */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        return (long) allocated.invoke(threads);
    }
}
