package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** SO_MARK on JDK channels, read back with getsockopt; setting a mark needs CAP_NET_ADMIN. */
@Tag("privileged")
class SocketMarkTest {
    static final int MARK = 0xfd002021;

    @BeforeEach
    void root() {
        assumeThat(System.getProperty("user.name")).as("root (CAP_NET_ADMIN)").isEqualTo("root");
    }

    @Test
    void marksTheDatagramChannelItIsGivenAndNoOther() throws IOException {
        try (DatagramChannel marked = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel other = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel wildcard = DatagramChannel.open()) {
            marked.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            wildcard.bind(null); // a dual-stack socket: the kernel reports it as [::]
            SocketMark.apply(marked, MARK);
            SocketMark.apply(wildcard, 7);
            assertThat(SocketMark.read(marked)).isEqualTo(MARK);
            assertThat(SocketMark.read(other)).isZero();
            assertThat(SocketMark.read(wildcard)).isEqualTo(7);
        }
    }

    @Test
    void marksATcpChannelBeforeItConnects() throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET6)) {
            assertThatThrownBy(() -> SocketMark.apply(channel, MARK)).hasMessageContaining("must be bound");
            channel.bind(null);
            SocketMark.apply(channel, MARK);
            assertThat(SocketMark.read(channel)).isEqualTo(MARK);
        }
    }
}
