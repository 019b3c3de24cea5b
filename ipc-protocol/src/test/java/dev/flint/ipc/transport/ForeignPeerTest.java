package dev.flint.ipc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A process of another user ({@code nobody}, started with {@code setpriv}) against the socket:
 * the 0660 mode keeps it out unless it is in the socket's group, and when it is let in, the
 * server sees its uid, gid and pid, not ours.
 */
@Tag("privileged")
class ForeignPeerTest {
    private static final long NOBODY = 65534;
    private static final String PROBE = """
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.SocketChannel;
            public class Probe {
                public static void main(String[] args) throws Exception {
                    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
                        System.out.println("connected");
                        System.out.flush();
                        channel.read(java.nio.ByteBuffer.allocate(1)); // wait until the server hangs up
                    } catch (java.io.IOException e) {
                        System.out.println("refused: " + e.getMessage());
                    }
                }
            }
            """;

    private Path dir;

    @BeforeEach
    void requireRoot() throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a process as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        dir = Files.createTempDirectory(Path.of("/tmp"), "flint-ipc-peer-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(dir.resolve("Probe.java"), PROBE);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Process probeAsNobody(Path socket) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                java, "-Xshare:auto", dir.resolve("Probe.java").toString(), socket.toString()))
                .redirectErrorStream(true)
                .start();
    }

    private static String firstLine(Process process) throws IOException {
        String out = new String(process.getInputStream().readNBytes(200), StandardCharsets.UTF_8);
        return out.lines().findFirst().orElse("");
    }

    @Test
    void otherUserOutsideTheGroupIsRefusedByTheKernel() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite())) {
            Process probe = probeAsNobody(socket);
            assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("refused", "Permission denied");
        }
    }

    @Test
    void groupMemberIsAdmittedAndIdentifiedByUidGidAndPid() throws Exception {
        Path socket = dir.resolve("tunnel.sock");
        var policy = new SocketFilePolicy(PosixFilePermissions.fromString("rw-rw----"), Optional.of("nogroup"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        try (UnixSocketServer server = UnixSocketServer.bind(socket, policy)) {
            CompletableFuture<UnixSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Process probe = probeAsNobody(socket);
            try (UnixSocket peer = accepted.get(120, TimeUnit.SECONDS)) {
                assertThat(peer.peer()).isEqualTo(new PeerCredentials(NOBODY, NOBODY, OptionalLong.of(probe.pid())));
            }
            assertThat(firstLine(probe)).isEqualTo("connected");
            assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
    }
}
