package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One received datagram copied out of a {@link DatagramBatch} slot, for assertions. */
record Datagram(byte[] data, InetSocketAddress from, InetSocketAddress local) {

    /** How long a test waits for datagrams already sent over a veth pair between two namespaces. */
    static final long DEADLINE_NANOS = 10_000_000_000L;

    String text() {
        return new String(data, StandardCharsets.US_ASCII);
    }

    static Datagram of(DatagramBatch batch, int slot) {
        byte[] bytes = new byte[batch.packets().length(slot)];
        batch.packets().buffer(slot).get(0, bytes);
        return new Datagram(bytes, batch.socketAddress(slot), batch.localSocketAddress(slot));
    }

    /**
     * Receives until {@code expected} datagrams are in, waiting at most {@link #DEADLINE_NANOS} for
     * datagrams that were already sent to arrive; no receive may return more than the batch holds.
     */
    static List<Datagram> receive(LinuxUdpSocket socket, DatagramBatch batch, int expected) throws IOException {
        List<Datagram> got = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (got.size() < expected && System.nanoTime() < deadline) {
            int n = socket.receive(batch, 200);
            assertThat(n).isBetween(0, batch.capacity());
            assertThat(batch.count()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                got.add(of(batch, i));
            }
        }
        assertThat(got).as("datagrams that arrived within 10 s").hasSize(expected);
        return got;
    }
}
