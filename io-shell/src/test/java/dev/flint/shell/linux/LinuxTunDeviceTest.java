package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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

    private static int firstUdp(PacketBatch batch) {
        for (int i = 0; i < batch.count(); i++) {
            if (batch.buffer(i).get(0) >>> 4 == 4 && batch.buffer(i).get(9) == 17) {
                return i;
            }
        }
        throw new AssertionError("no UDP packet among " + batch.count());
    }
}
