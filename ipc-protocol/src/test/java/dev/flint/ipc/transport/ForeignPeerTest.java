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

    private static final String SQUATTER = """
            import java.net.StandardProtocolFamily;
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.ServerSocketChannel;
            public class Squatter {
                public static void main(String[] args) throws Exception {
                    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                        server.bind(UnixDomainSocketAddress.of(args[0]));
                        System.out.println("listening");
                        System.out.flush();
                        try (var client = server.accept()) {
                            client.read(java.nio.ByteBuffer.allocate(1));
                        }
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
        Files.writeString(dir.resolve("Squatter.java"), SQUATTER);
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
        return runAsNobody("Probe.java", socket);
    }

    private Process runAsNobody(String program, Path socket) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                java, "-Xshare:auto", dir.resolve(program).toString(), socket.toString()))
                .redirectErrorStream(true)
                .start();
    }

    /** Reads one line, without waiting for the process to end (it may be waiting for us). */
    private static String firstLine(Process process) throws IOException {
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        return line == null ? "" : line;
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
                assertThat(peer.peer()).usingRecursiveComparison().ignoringFields("process")
                    .isEqualTo(new PeerCredentials(NOBODY, NOBODY, OptionalLong.of(probe.pid())));
                PeerProcess process = ((PeerCredentials) peer.peer()).process().orElseThrow();
                assertThat(process.pid()).isEqualTo(probe.pid());
                assertThat(process.stillSame()).as("the probe still runs").isTrue();
            }
            assertThat(firstLine(probe)).isEqualTo("connected");
            assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void guiRefusesATunnelSocketServedByANonRootProcessButAcceptsTheRealService() throws Exception {
        Path squatDir = Files.createDirectory(dir.resolve("squat"));
        Files.setAttribute(squatDir, "unix:uid", (int) NOBODY);
        Path socket = squatDir.resolve("tunnel.sock");
        Process squatter = runAsNobody("Squatter.java", socket);
        try {
            assertThat(firstLine(squatter)).isEqualTo("listening");
            var result = TunnelHandshake.connect(socket, java.time.Duration.ofSeconds(30), "0.1.0", true);
            assertThat(result).isInstanceOfSatisfying(TunnelHandshake.Failed.class,
                    f -> assertThat(f.reason()).isEqualTo(TunnelHandshake.Reason.UNTRUSTED_SERVICE));
            assertThat(squatter.waitFor(120, TimeUnit.SECONDS)).as("the squatter saw us hang up").isTrue();
        } finally {
            squatter.destroyForcibly();
        }

        Path real = dir.resolve("tunnel.sock");
        try (UnixSocketServer server = UnixSocketServer.bind(real, SocketFilePolicy.groupReadWrite())) {
            CompletableFuture<IpcConnection<dev.flint.ipc.GuiMessage, dev.flint.ipc.ServiceMessage>> service =
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            var c = IpcConnection.serviceSide(server.accept());
                            c.send(new dev.flint.ipc.ServiceMessage.Hello(dev.flint.ipc.ProtocolVersion.CURRENT, "0.1.0", "d",
                                    dev.flint.ipc.AdvancedSettings.defaults(), dev.flint.ipc.ManagedSettings.none()));
                            return c;
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            var result = TunnelHandshake.connect(real, java.time.Duration.ofSeconds(30), "0.1.0", true);
            assertThat(result).isInstanceOf(TunnelHandshake.Ready.class);
            ((TunnelHandshake.Ready) result).connection().close();
            service.get(120, TimeUnit.SECONDS).close();
        }
    }
}
