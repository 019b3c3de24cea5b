package dev.flint.tunnel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** READY=1 arrives as one datagram on a real AF_UNIX datagram socket (bound by python3, as systemd would). */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void sendsOneDatagramToNotifySocket() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python), "python3");
        Path socket = dir.resolve("notify");
        Process listener = new ProcessBuilder(python.toString(), "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print("bound", flush=True)
                print(s.recv(4096).decode(), flush=True)
                """, socket.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream()))) {
            assertThat(out.readLine()).isEqualTo("bound");
            assertThat(SystemdNotify.send(Map.of("NOTIFY_SOCKET", socket.toString()), "READY=1")).isTrue();
            assertThat(out.readLine()).isEqualTo("READY=1");
        } finally {
            listener.destroy();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(SystemdNotify.send(Map.of(), "READY=1")).isFalse();
    }
}
