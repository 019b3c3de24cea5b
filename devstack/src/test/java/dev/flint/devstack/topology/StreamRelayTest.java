package dev.flint.devstack.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TCP listener relayed through a Unix socket to a TCP server, as the demo reaches the portal from the host. */
class StreamRelayTest {

    @Test
    void bytesGoBothWaysThroughTcpThenUnixThenTcpAndEndOfStreamPassesOn(@TempDir Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Path socket = dir.resolve("door.sock");
            try (StreamRelay door = StreamRelay.start(UnixDomainSocketAddress.of(socket),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                 StreamRelay front = StreamRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     UnixDomainSocketAddress.of(socket))) {
                Thread echo = Thread.ofVirtual().start(() -> {
                    try (Socket s = server.accept()) {
                        byte[] request = s.getInputStream().readAllBytes(); // until the client half-closes
                        s.getOutputStream().write(("got " + new String(request, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) front.listening()).getPort())) {
                    OutputStream out = client.getOutputStream();
                    out.write("hello portal".getBytes(StandardCharsets.UTF_8));
                    client.shutdownOutput();
                    InputStream in = client.getInputStream();
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got hello portal");
                }
                echo.join();
            }
            assertThat(Files.exists(socket)).as("the Unix socket file is removed on close").isFalse();
        }
    }

    @Test
    void addressesAreTcpHostPortOrUnixPath() {
        assertThat(StreamRelay.parse("tcp:198.18.0.5:8081")).isEqualTo(new InetSocketAddress("198.18.0.5", 8081));
        assertThat(StreamRelay.parse("unix:/run/x.sock")).isEqualTo(UnixDomainSocketAddress.of("/run/x.sock"));
        assertThatThrownBy(() -> StreamRelay.parse("198.18.0.5:8081")).hasMessageContaining("tcp:HOST:PORT");
        assertThatThrownBy(() -> StreamRelay.parse("tcp:host:port")).hasMessageContaining("tcp:HOST:PORT");
    }
}
