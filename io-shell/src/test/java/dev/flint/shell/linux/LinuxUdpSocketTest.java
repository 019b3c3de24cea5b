package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.netns.RealTimeWait;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batched send and receive over loopback, checked against the JDK's own datagram channel. */
class LinuxUdpSocketTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void batchesArriveInOrderWithTheirSources(String loopback) throws Exception {
        try (LinuxUdpSocket a = LinuxUdpSocket.bind(0);
             LinuxUdpSocket b = LinuxUdpSocket.bind(0);
             DatagramBatch out = new DatagramBatch(16, 2048);
             DatagramBatch in = new DatagramBatch(16, 2048)) {
            var toB = DatagramBatch.encode(new InetSocketAddress(loopback, b.port()));
            for (int i = 0; i < 10; i++) {
                out.packets().add(ByteBuffer.wrap(("datagram " + i).getBytes(StandardCharsets.US_ASCII)));
                out.setAddress(i, toB);
            }
            a.send(out);
            List<String> got = new ArrayList<>();
            while (got.size() < 10) {
                int n = b.receive(in, 1000);
                assertThat(n).isPositive();
                for (int i = 0; i < n; i++) {
                    byte[] bytes = new byte[in.packets().length(i)];
                    in.packets().buffer(i).get(0, bytes);
                    got.add(new String(bytes, StandardCharsets.US_ASCII));
                    assertThat(in.socketAddress(i)).isEqualTo(new InetSocketAddress(loopback, a.port()));
                    assertThat(in.addressEquals(i, DatagramBatch.encode(new InetSocketAddress(loopback, a.port())))).isTrue();
                }
            }
            assertThat(got).containsExactly("datagram 0", "datagram 1", "datagram 2", "datagram 3", "datagram 4",
                "datagram 5", "datagram 6", "datagram 7", "datagram 8", "datagram 9");
            assertThat(b.receive(in, 10)).isZero();
            assertThat(a.sendErrors()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void interoperatesWithTheJdkChannel(String loopback) throws Exception {
        try (LinuxUdpSocket s = LinuxUdpSocket.bind(0);
             DatagramChannel jdk = DatagramChannel.open();
             DatagramBatch batch = new DatagramBatch(4, 2048)) {
            jdk.bind(new InetSocketAddress(loopback, 0));
            jdk.send(ByteBuffer.wrap(new byte[]{1, 2, 3}), new InetSocketAddress(loopback, s.port()));
            assertThat(s.receive(batch, 1000)).isEqualTo(1);
            assertThat(batch.packets().length(0)).isEqualTo(3);
            assertThat(batch.socketAddress(0)).isEqualTo(jdk.getLocalAddress());
            // Echo it back to where it came from.
            batch.packets().buffer(0).put(0, (byte) 9);
            s.send(batch);
            ByteBuffer r = ByteBuffer.allocate(10);
            assertThat(jdk.receive(r)).isEqualTo(new InetSocketAddress(loopback, s.port()));
            assertThat(r.flip().remaining()).isEqualTo(3);
            assertThat(r.get(0)).isEqualTo((byte) 9);
        }
    }

    @org.junit.jupiter.api.Test
    void closingEndsAWaitingReceive() throws Exception {
        LinuxUdpSocket s = LinuxUdpSocket.bind(0);
        try (DatagramBatch batch = new DatagramBatch(4, 2048)) {
            var result = new java.util.concurrent.CompletableFuture<Integer>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    int n;
                    do {
                        n = s.receive(batch, 200);
                    } while (n == 0);
                    result.complete(n);
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            Thread.sleep(50);
            s.close();
            assertThat(result.get(RealTimeWait.GENEROUS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .as("the blocked receive ends once the socket is closed").isEqualTo(-1);
            t.join();
        }
    }
}
