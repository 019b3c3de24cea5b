package dev.flint.ipc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.SampleMessages;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameEncoder;
import dev.flint.ipc.frame.FrameFormat;
import dev.flint.ipc.frame.FrameProblem;
import dev.flint.ipc.frame.StreamFault;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Unix domain socket in a temporary directory, a real client, real kernel credentials. */
class UnixSocketTransportTest {
    @TempDir Path dir;
    private Path socketPath;
    private UnixSocketServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void bind() throws IOException {
        socketPath = dir.resolve("run").resolve("tunnel.sock");
        server = UnixSocketServer.bind(socketPath, SocketFilePolicy.groupReadWrite());
    }

    @AfterEach
    void closeAll() {
        server.close();
        pool.shutdownNow();
    }

    private record Pair(IpcConnection<GuiMessage, ServiceMessage> service, IpcConnection<ServiceMessage, GuiMessage> gui,
                        UnixSocket guiSocket) {}

    private Pair connect() throws Exception {
        Future<UnixSocket> accepted = pool.submit(server::accept);
        UnixSocket client = UnixSocket.connect(socketPath);
        UnixSocket serverSide = accepted.get(30, TimeUnit.SECONDS);
        return new Pair(IpcConnection.serviceSide(serverSide), IpcConnection.guiSide(client), client);
    }

    private static long currentUid(Path anyOwnFile) throws IOException {
        return ((Number) Files.getAttribute(anyOwnFile, "unix:uid")).longValue();
    }

    private static long currentGid(Path anyOwnFile) throws IOException {
        return ((Number) Files.getAttribute(anyOwnFile, "unix:gid")).longValue();
    }

    @Test
    void socketFileHasMode0660AndIsRemovedOnClose() throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(socketPath, PosixFileAttributes.class);
        assertThat(attributes.isOther()).as("a socket, not a regular file").isTrue();
        assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-rw----");
        server.close();
        assertThat(socketPath).doesNotExist();
    }

    @Test
    void serverSeesTheClientsUidGidAndPidAndViceVersa() throws Exception {
        Path own = Files.createFile(dir.resolve("own"));
        Pair pair = connect();
        PeerCredentials expected = new PeerCredentials(currentUid(own), currentGid(own),
                java.util.OptionalLong.of(ProcessHandle.current().pid()));
        assertThat(pair.service().peer()).usingRecursiveComparison().ignoringFields("process").isEqualTo(expected);
        assertThat(pair.gui().peer()).as("the client can check who serves the socket")
                .usingRecursiveComparison().ignoringFields("process").isEqualTo(expected);
        pair.gui().close();
        pair.service().close();
    }

    @Test
    void messagesFlowBothWays() throws Exception {
        Pair pair = connect();
        for (GuiMessage message : SampleMessages.gui()) {
            pair.gui().send(message);
        }
        for (GuiMessage message : SampleMessages.gui()) {
            assertThat(pair.service().receive()).isEqualTo(new DecodeResult.Decoded<>(message));
        }
        for (ServiceMessage message : SampleMessages.service()) {
            pair.service().send(message);
        }
        for (ServiceMessage message : SampleMessages.service()) {
            assertThat(pair.gui().receive()).isEqualTo(new DecodeResult.Decoded<>(message));
        }
        pair.gui().close();
        assertThat(pair.service().receive()).isEqualTo(new DecodeResult.EndOfStream<>());
        pair.service().close();
    }

    @Test
    void badFrameIsRejectedAndTheConnectionStaysUsableButAnOversizeLengthClosesIt() throws Exception {
        Pair pair = connect();
        pair.guiSocket().writeFully(FrameEncoder.frame("{\"type\":\"format_disk\"}".getBytes(StandardCharsets.UTF_8)));
        pair.guiSocket().writeFully(FrameEncoder.frame("{\"type\":\"connect\",\"token\":7}".getBytes(StandardCharsets.UTF_8)));
        pair.gui().send(new GuiMessage.ClearLogs());

        assertThat(pair.service().receive()).isEqualTo(new DecodeResult.Rejected<>(new FrameProblem.UnknownType("format_disk")));
        DecodeResult<GuiMessage> badField = pair.service().receive();
        assertThat(badField).isInstanceOf(DecodeResult.Rejected.class);
        // The service answers a rejected frame, and the GUI can read that answer.
        pair.service().send(((DecodeResult.Rejected<GuiMessage>) badField).problem().toProtocolError());
        assertThat(pair.gui().receive()).isInstanceOfSatisfying(DecodeResult.Decoded.class,
                d -> assertThat(d.message()).isInstanceOf(ServiceMessage.ProtocolError.class));
        assertThat(pair.service().receive()).isEqualTo(new DecodeResult.Decoded<>(new GuiMessage.ClearLogs()));

        pair.guiSocket().writeFully(ByteBuffer.allocate(4).putInt(FrameFormat.MAX_FRAME_BYTES * 4).array());
        assertThat(pair.service().receive()).isEqualTo(new DecodeResult.Fatal<>(
                new StreamFault.OversizeLength(FrameFormat.MAX_FRAME_BYTES * 4L, FrameFormat.MAX_FRAME_BYTES)));
        // The service closed its end: the GUI sees the stream end.
        assertThat(pair.gui().receive()).isEqualTo(new DecodeResult.EndOfStream<>());
        pair.gui().close();
    }

    @Test
    void concurrentSendsNeverInterleaveFrames() throws Exception {
        Pair pair = connect();
        int threads = 8;
        int perThread = 150;
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            senders.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        pair.service().send(new ServiceMessage.Disconnected("t" + thread + "-" + i + "-" + "x".repeat(2000), false));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }, pool));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < threads * perThread; i++) {
            DecodeResult<ServiceMessage> result = pair.gui().receive();
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            seen.add(((ServiceMessage.Disconnected) ((DecodeResult.Decoded<ServiceMessage>) result).message()).reason());
        }
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(seen).hasSize(threads * perThread);
        pair.gui().close();
        pair.service().close();
    }

    @Test
    void closingWakesABlockedReaderAndABlockedAccept() throws Exception {
        Pair pair = connect();
        Future<DecodeResult<GuiMessage>> reading = pool.submit(() -> pair.service().receive());
        Future<UnixSocket> accepting = pool.submit(server::accept);
        pair.service().close();
        assertThat(reading.get(30, TimeUnit.SECONDS)).isEqualTo(new DecodeResult.EndOfStream<>());
        server.close();
        assertThatThrownBy(() -> accepting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        pair.gui().close();
    }

    @Test
    void staleSocketFileIsReplacedButALiveServerIsNot() throws IOException {
        Path stalePath = dir.resolve("stale.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(stalePath));
        } // the JDK leaves the file behind, as a killed server would
        assertThat(stalePath).exists();
        assertThatThrownBy(() -> UnixSocket.connect(stalePath)).isInstanceOf(ConnectException.class);
        try (UnixSocketServer replacement = UnixSocketServer.bind(stalePath, SocketFilePolicy.groupReadWrite())) {
            assertThat(replacement.path()).exists();
            assertThatThrownBy(() -> UnixSocketServer.bind(stalePath, SocketFilePolicy.groupReadWrite()))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("listening");
        }
        assertThat(stalePath).doesNotExist();
    }

    @Test
    void refusesToDeleteARegularFileOrUseAnOpenDirectory() throws IOException {
        Path regular = Files.writeString(dir.resolve("not-a-socket"), "data");
        assertThatThrownBy(() -> UnixSocketServer.bind(regular, SocketFilePolicy.groupReadWrite()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(regular).hasContent("data");

        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> UnixSocketServer.bind(open.resolve("s.sock"), SocketFilePolicy.groupReadWrite()))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void secondGuiInstanceHandsADeepLinkToTheFirstOverThePerUserSocket() throws Exception {
        Path guiSocket = IpcEndpoints.guiSocket(java.util.Map.of("XDG_RUNTIME_DIR", dir.resolve("xdg").toString()));
        try (UnixSocketServer primary = UnixSocketServer.bind(guiSocket, SocketFilePolicy.ownerOnly())) {
            var deepLink = (dev.flint.ipc.InstanceMessage.DeepLink) SampleMessages.instance().getFirst();
            Future<DecodeResult<dev.flint.ipc.InstanceMessage>> secondInstance = pool.submit(() -> {
                try (var toPrimary = IpcConnection.instance(UnixSocket.connect(guiSocket))) {
                    toPrimary.send(deepLink);
                    return toPrimary.receive();
                }
            });
            try (var fromSecond = IpcConnection.instance(primary.accept())) {
                assertThat(fromSecond.peer()).isInstanceOf(PeerCredentials.class);
                assertThat(fromSecond.receive()).isEqualTo(new DecodeResult.Decoded<>(deepLink));
                fromSecond.send(new dev.flint.ipc.InstanceMessage.Ack());
            }
            assertThat(secondInstance.get(30, TimeUnit.SECONDS))
                    .isEqualTo(new DecodeResult.Decoded<>(new dev.flint.ipc.InstanceMessage.Ack()));
        }
        assertThat(guiSocket).doesNotExist();
    }

    @Test
    void connectingToNothingSaysSo() {
        assertThatThrownBy(() -> UnixSocket.connect(dir.resolve("absent.sock"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void ownerOnlyPolicyCreatesAPrivateDirectoryAndGroupPolicySetsTheGroup() throws IOException {
        Path perUser = dir.resolve("user-runtime").resolve("dev.flint.client").resolve("gui.sock");
        try (UnixSocketServer gui = UnixSocketServer.bind(perUser, SocketFilePolicy.ownerOnly())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(perUser))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(perUser.getParent()))).isEqualTo("rwx------");
        }
        Path own = Files.createFile(dir.resolve("group-probe"));
        String group = Files.readAttributes(own, PosixFileAttributes.class).group().getName();
        var policy = new SocketFilePolicy(PosixFilePermissions.fromString("rw-rw----"), Optional.of(group),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        Path grouped = dir.resolve("grouped.sock");
        try (UnixSocketServer s = UnixSocketServer.bind(grouped, policy)) {
            assertThat(Files.readAttributes(grouped, PosixFileAttributes.class).group().getName()).isEqualTo(group);
        }
    }
}
