package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.PacketBuilder;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import dev.flint.shell.PacketBatch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("privileged")
class LinuxTunDeviceTest {

    Topology net;
    NetworkNamespace ns;

    @BeforeEach
    void namespace() {
        assumeThat(Topology.isSupported()).as("root and iproute2").isTrue();
        assumeThat(Files.exists(Path.of("/dev/net/tun"))).as("/dev/net/tun").isTrue();
        net = Topology.create("wgt");
        ns = net.namespace("tun");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @ParameterizedTest
    @EnumSource(LinuxTunDevice.PacketIo.class)
    void packetsCrossTheDeviceBothWays(LinuxTunDevice.PacketIo io) throws Exception {
        InNamespace.call(ns, () -> {
            try (LinuxTunDevice tun = LinuxTunDevice.open("flt0", 1400, io);
                 RtNetlink nl = RtNetlink.open();
                 PacketBatch batch = new PacketBatch(8, 2048);
                 DatagramChannel udp = DatagramChannel.open()) {
                int index = RtNetlink.linkIndex(tun.name());
                nl.setMtu(index, 1400);
                nl.addAddress(index, InetAddress.getByName("10.77.0.1"), 24);
                nl.setLinkUp(index);

                // Out of the kernel: a datagram to the TUN's subnet arrives as an IPv4 packet.
                udp.bind(new InetSocketAddress("10.77.0.1", 40000));
                udp.send(ByteBuffer.wrap("hello tun".getBytes(StandardCharsets.US_ASCII)),
                    new InetSocketAddress("10.77.0.9", 5555));
                int n = 0;
                for (int i = 0; i < 50 && n == 0; i++) {
                    n = tun.read(batch, 100);
                }
                assertThat(n).isGreaterThanOrEqualTo(1);
                ByteBuffer p = batch.buffer(firstUdp(batch));
                assertThat(p.get(0) >>> 4).isEqualTo(4);
                assertThat(p.get(9)).isEqualTo((byte) 17);
                byte[] payload = new byte[9];
                p.get(28, payload);
                assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("hello tun");

                // Into the kernel: swap addresses and ports, and the socket receives the reply.
                byte[] reply = new byte[batch.length(firstUdp(batch))];
                p.get(0, reply);
                ByteBuffer r = ByteBuffer.wrap(reply);
                int src = r.getInt(12);
                r.putInt(12, r.getInt(16));
                r.putInt(16, src);
                short sport = r.getShort(20);
                r.putShort(20, r.getShort(22));
                r.putShort(22, sport);
                r.putShort(26, (short) 0); // no UDP checksum
                batch.clear();
                batch.add(ByteBuffer.wrap(reply));
                tun.write(batch);
                udp.configureBlocking(true);
                ByteBuffer got = ByteBuffer.allocate(100);
                InetSocketAddress from = (InetSocketAddress) udp.receive(got);
                assertThat(from).isEqualTo(new InetSocketAddress("10.77.0.9", 5555));
                assertThat(new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII)).isEqualTo("hello tun");
                assertThat(tun.writeErrors()).isZero();
            }
            return null;
        });
    }

    /**
     * A range of a batch goes to the kernel as asked: only its slots, and a TCP flow's consecutive segments among them
     * as one super-packet (one write), which the receiving socket reads as the bytes in order.
     */
    @org.junit.jupiter.api.Test
    void consecutiveSegmentsOfARangeAreWrittenAsOneSuperPacket() throws Exception {
        InNamespace.call(ns, () -> {
            try (LinuxTunDevice tun = LinuxTunDevice.open("flt1", 1400, LinuxTunDevice.PacketIo.FFM, true);
                 RtNetlink nl = RtNetlink.open();
                 PacketBatch batch = new PacketBatch(8, 2048);
                 java.net.ServerSocket server = new java.net.ServerSocket()) {
                int index = RtNetlink.linkIndex(tun.name());
                nl.setMtu(index, 1400);
                nl.addAddress(index, InetAddress.getByName("10.77.0.1"), 24);
                nl.setLinkUp(index);
                InetAddress local = InetAddress.getByName("10.77.0.1");
                InetAddress peer = InetAddress.getByName("10.77.0.9");
                server.bind(new InetSocketAddress(local, 7000));
                server.setSoTimeout(10_000);

                // The peer's side of a handshake, played through the device.
                long iss = 1000;
                send(tun, batch, PacketBuilder.tcp(peer, local, 40000, 7000, iss, 0, IpPacket.TCP_SYN, 65535,
                    new byte[0]).bytes());
                long serverIss = -1;
                for (int i = 0; i < 50 && serverIss < 0; i++) {
                    int n = tun.read(batch, 100);
                    for (int j = 0; j < n; j++) {
                        ByteBuffer p = batch.buffer(j);
                        if (p.get(0) >>> 4 == 4 && p.get(9) == 6 && (p.get(33) & 0x12) == 0x12) {
                            serverIss = p.getInt(24) & 0xFFFFFFFFL;
                        }
                    }
                }
                assertThat(serverIss).as("the listener's SYN-ACK").isNotNegative();
                send(tun, batch, PacketBuilder.tcp(peer, local, 40000, 7000, iss + 1, serverIss + 1,
                    IpPacket.TCP_ACK, 65535, new byte[0]).bytes());
                try (java.net.Socket accepted = server.accept()) {
                    accepted.setSoTimeout(10_000);
                    // Slot 0 is outside the range: a segment at the same sequence number that must never arrive.
                    batch.clear();
                    batch.add(ByteBuffer.wrap(PacketBuilder.tcp(peer, local, 40000, 7000, iss + 1, serverIss + 1,
                        IpPacket.TCP_ACK, 65535, filled('X', 1000)).bytes()));
                    byte[] expected = new byte[3000];
                    for (int k = 0; k < 3; k++) {
                        byte[] payload = filled((char) ('a' + k), 1000);
                        System.arraycopy(payload, 0, expected, k * 1000, 1000);
                        batch.add(ByteBuffer.wrap(PacketBuilder.tcp(peer, local, 40000, 7000, iss + 1 + k * 1000L,
                            serverIss + 1, IpPacket.TCP_ACK | (k == 2 ? IpPacket.TCP_PSH : 0), 65535, payload)
                            .bytes()));
                    }
                    tun.write(batch, 1, 4);
                    assertThat(accepted.getInputStream().readNBytes(3000)).isEqualTo(expected);
                    assertThat(tun.coalescedWrites()).isOne();
                    assertThat(tun.writeErrors()).isZero();
                }
            }
            return null;
        });
    }

    private static void send(LinuxTunDevice tun, PacketBatch batch, byte[] packet) throws java.io.IOException {
        batch.clear();
        batch.add(ByteBuffer.wrap(packet));
        tun.write(batch);
    }

    private static byte[] filled(char c, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }

    private static int firstUdp(PacketBatch batch) {
        for (int i = 0; i < batch.count(); i++) {
            if (batch.buffer(i).get(0) >>> 4 == 4 && batch.buffer(i).get(9) == 17) {
                return i;
            }
        }
        throw new AssertionError("no UDP packet among " + batch.count());
    }
}
