package dev.flint.ipc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer process held against pid reuse: on Linux 6.5+ a pidfd from {@code SO_PEERPIDFD} that stops naming the
 * pid once the peer exits; before that, the pid with its start time, which a newer process never matches.
 */
class PeerProcessTest {
    @TempDir
    Path dir;

    @Test
    void theServerHoldsTheConnectedProcessAndNoticesWhenItIsGone() throws Exception {
        assumeTrue(Platform.isLinux(), "Linux peer credentials");
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0, "needs python3");
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            CompletableFuture<UnixSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // A peer that is not this JVM, so it can exit while the server still holds what it learnt.
            Process peer = new ProcessBuilder(List.of("python3", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                s.connect(sys.argv[1])
                print("connected", flush=True)
                sys.stdin.read()
                """, socket.toString())).redirectErrorStream(true).start();
            try (UnixSocket connection = accepted.get(120, TimeUnit.SECONDS)) {
                assertThat(new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("connected");
                PeerProcess process = ((PeerCredentials) connection.peer()).process().orElseThrow();
                assertThat(process.pid()).isEqualTo(peer.pid());
                if (kernelAtLeast(6, 5)) {
                    assertThat(process).as("SO_PEERPIDFD on this kernel").isInstanceOf(PeerProcess.PidFd.class);
                }
                assertThat(process.stillSame()).isTrue();

                peer.destroyForcibly();
                assertThat(peer.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.stillSame()).as("the peer exited").isFalse();
            } finally {
                peer.destroyForcibly();
            }
        }
    }

    @Test
    void withoutAPidfdAProcessStartedAfterTheAcceptIsNeverThePeer() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs /proc");
        long self = ProcessHandle.current().pid();
        Path proc = Path.of("/proc");
        PeerProcess.StartTime now = PeerProcess.StartTime.atAccept(self, proc, PeerProcess.StartTime.uptimeTicks(proc));
        assertThat(now.stillSame()).isTrue();
        // "Accepted" before this JVM started: the pid must belong to a newer process than the one that connected.
        PeerProcess.StartTime before = PeerProcess.StartTime.atAccept(self, proc, 0);
        assertThat(before.stillSame()).isFalse();
        assertThat(PeerProcess.StartTime.atAccept(Integer.MAX_VALUE, proc, Long.MAX_VALUE).stillSame())
            .as("a pid nobody has").isFalse();
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(parts[0]);
        int mi = Integer.parseInt(parts[1]);
        return ma > major || (ma == major && mi >= minor);
    }
}
