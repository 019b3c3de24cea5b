package dev.flint.shell.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerSocketsTest {
    @Test
    void fallsBackToAnEphemeralPortWhenThePreferredOneIsTaken() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramChannel squatter = DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(loopback, 0))) {
            int taken = ((InetSocketAddress) squatter.getLocalAddress()).getPort();
            List<DatagramChannel> bound = PeerSockets.bind(List.of(loopback), taken);
            try {
                InetSocketAddress local = (InetSocketAddress) bound.getFirst().getLocalAddress();
                assertThat(local.getAddress()).isEqualTo(loopback);
                assertThat(local.getPort()).isNotEqualTo(taken).isPositive();
            } finally {
                bound.getFirst().close();
            }
        }
    }

    @Test
    void bindsTheFreePreferredPortOnTheGivenAddress() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int free;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(loopback, 0))) {
            free = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        List<DatagramChannel> bound = PeerSockets.bind(List.of(loopback), free);
        try {
            assertThat(bound.getFirst().getLocalAddress()).isEqualTo(new InetSocketAddress(loopback, free));
        } finally {
            bound.getFirst().close();
        }
    }

    @Test
    void interfaceAddressesLeaveOutLoopbackAndRejectedInterfaces() throws Exception {
        assertThat(PeerSockets.interfaceAddresses(nif -> true)).noneMatch(InetAddress::isLoopbackAddress);
        assertThat(PeerSockets.interfaceAddresses(nif -> false)).isEmpty();
    }
}
