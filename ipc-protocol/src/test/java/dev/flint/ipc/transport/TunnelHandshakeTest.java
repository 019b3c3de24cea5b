package dev.flint.ipc.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GUI's connect-and-greet step against a real socket and a scripted service end. */
class TunnelHandshakeTest {
    private static final Duration PATIENT = Duration.ofSeconds(30);
    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static ServiceMessage.Hello hello(int protocol) {
        return new ServiceMessage.Hello(protocol, "0.1.0", "device-1", AdvancedSettings.defaults(), ManagedSettings.none());
    }

    @Test
    void noServiceIsSaidPlainly() {
        var result = TunnelHandshake.connect(dir.resolve("tunnel.sock"), PATIENT, "0.1.0", false);
        assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Failed.class,
                f -> assertThat(f.reason()).isEqualTo(TunnelHandshake.Reason.SERVICE_NOT_RUNNING));
    }

    @Test
    void helloInTheSameProtocolGivesAReadyConnection() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            Future<IpcConnection<?, ServiceMessage>> service = pool.submit(() -> {
                var connection = IpcConnection.serviceSide(server.accept());
                connection.send(hello(ProtocolVersion.CURRENT));
                return connection;
            });
            var result = TunnelHandshake.connect(socket, PATIENT, "0.1.0", true);
            assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Ready.class, ready -> {
                assertThat(ready.hello()).isEqualTo(hello(ProtocolVersion.CURRENT));
                ready.connection().close();
            });
            service.get(30, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aServiceFromAnotherReleaseIsExplainedEvenIfItsHelloHasChangedShape() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            Future<UnixSocket> service = pool.submit(() -> {
                UnixSocket s = server.accept();
                s.writeFully(FrameEncoder.frame(("{\"type\":\"hello\",\"protocol_version\":" + (ProtocolVersion.CURRENT + 1)
                        + ",\"service_version\":\"3.0.0\",\"identity\":{\"v\":2}}").getBytes(StandardCharsets.UTF_8)));
                return s;
            });
            var result = TunnelHandshake.connect(socket, PATIENT, "0.1.0", false);
            assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Failed.class, f -> {
                assertThat(f.reason()).isEqualTo(TunnelHandshake.Reason.VERSION_MISMATCH);
                assertThat(f.sentence()).contains("3.0.0", "0.1.0", "Update the Flint app");
            });
            service.get(30, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aSilentServiceIsReportedAsNotRespondingAndTheSocketIsReleased() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            Future<UnixSocket> service = pool.submit(server::accept);
            var result = TunnelHandshake.connect(socket, Duration.ofMillis(200), "0.1.0", false);
            assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Failed.class,
                    f -> assertThat(f.reason()).isEqualTo(TunnelHandshake.Reason.NOT_RESPONDING));
            try (var serviceEnd = IpcConnection.serviceSide(service.get(30, TimeUnit.SECONDS))) {
                assertThat(serviceEnd.receive()).as("the GUI hung up").isEqualTo(new DecodeResult.EndOfStream<>());
            }
        }
    }

    @Test
    void aServiceThatHangsUpWithoutHelloIsReported() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            pool.submit(() -> {
                server.accept().close();
                return null;
            });
            var result = TunnelHandshake.connect(socket, PATIENT, "0.1.0", false);
            assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Failed.class,
                    f -> assertThat(f.reason()).isEqualTo(TunnelHandshake.Reason.NOT_RESPONDING));
        }
    }
}
