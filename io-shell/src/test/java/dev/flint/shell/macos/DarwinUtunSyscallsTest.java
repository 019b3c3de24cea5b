package dev.flint.shell.macos;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The libc binding itself, on Linux's libc: socket, the variadic ioctl, getsockopt, and the
 * header + packet iovecs of readv/writev have the same prototypes there, so a UDP socket on
 * loopback checks the iovec and pollfd layouts for real. (The utun control socket needs macOS.)
 */
@EnabledOnOs(OS.LINUX)
class DarwinUtunSyscallsTest {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final long FIONREAD = 0x541B;

    @Test
    void writevSendsTheHeaderThenThePacketAndReadvSplitsThemAgain() throws Exception {
        DarwinUtunSyscalls sys = new DarwinUtunSyscalls();
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined()) {
            peer.setSoTimeout(10_000);
            int fd = sys.socket(AF_INET, SOCK_DGRAM, 0);
            try {
                assertThat(ByteBuffer.wrap(sys.getsockopt(fd, SOL_SOCKET, SO_TYPE, 4)).order(ByteOrder.nativeOrder())
                        .getInt()).isEqualTo(SOCK_DGRAM);
                byte[] address = new byte[16];
                ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort((short) AF_INET);
                ByteBuffer.wrap(address).order(ByteOrder.BIG_ENDIAN).putShort(2, (short) peer.getLocalPort())
                        .put(4, new byte[] {127, 0, 0, 1});
                sys.connect(fd, address);
                sys.configure(fd); // the variadic fcntl calls go through (O_NONBLOCK is macOS's value, inert here)

                MemorySegment header = arena.allocate(4);
                header.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, UtunDevice.AF_INET6);
                MemorySegment packet = arena.allocate(2048);
                for (int i = 0; i < 100; i++) {
                    packet.set(ValueLayout.JAVA_BYTE, i, (byte) i);
                }
                assertThat(sys.write(fd, header, packet, 100)).isEqualTo(104);
                DatagramPacket received = new DatagramPacket(new byte[2048], 2048);
                peer.receive(received);
                byte[] datagram = Arrays.copyOf(received.getData(), received.getLength());
                assertThat(Arrays.copyOf(datagram, 4)).containsExactly(0, 0, 0, 30);
                assertThat(datagram).hasSize(104);
                assertThat(datagram[103]).isEqualTo((byte) 99);

                assertThat(sys.pollIn(fd, 0)).isZero();
                byte[] reply = {0, 0, 0, 2, 0x45, 1, 2, 3};
                peer.send(new DatagramPacket(reply, reply.length, received.getSocketAddress()));
                assertThat(sys.pollIn(fd, 10_000)).isEqualTo(1);
                byte[] available = new byte[4];
                sys.ioctl(fd, FIONREAD, available);
                assertThat(ByteBuffer.wrap(available).order(ByteOrder.nativeOrder()).getInt()).isEqualTo(8);

                assertThat(sys.read(fd, header, packet)).isEqualTo(8);
                assertThat(header.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0)).isEqualTo(2);
                assertThat(packet.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE)).containsExactly(0x45, 1, 2, 3);
            } finally {
                sys.close(fd);
            }
        }
    }
}
