package dev.flint.ipc.transport;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameProblem;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The GUI's first step: connect to the tunnel service's socket and wait for its {@code Hello}.
 * Every way this can go wrong is a distinct outcome with a sentence the GUI can show as is.
 */
public sealed interface TunnelHandshake {

    /** Connected; {@code hello} is the service's greeting, in a protocol this GUI speaks. */
    record Ready(IpcConnection<ServiceMessage, GuiMessage> connection, ServiceMessage.Hello hello) implements TunnelHandshake {}

    /** A problem the user or an administrator has to fix; {@code sentence} explains it. */
    record Failed(Reason reason, String sentence) implements TunnelHandshake {}

    enum Reason { SERVICE_NOT_RUNNING, ACCESS_DENIED, NOT_RESPONDING, VERSION_MISMATCH, UNTRUSTED_SERVICE, BROKEN }

    /**
     * Connects and reads the first frame. With {@code requireRootService}, a socket served by any
     * other user than root is refused (someone else may have claimed the path).
     */
    static TunnelHandshake connect(Path socket, Duration helloTimeout, String guiVersion, boolean requireRootService) {
        UnixSocket stream;
        try {
            stream = UnixSocket.connect(socket);
        } catch (NoSuchFileException | ConnectException e) {
            return new Failed(Reason.SERVICE_NOT_RUNNING, "Couldn't reach the Flint tunnel service. Is the service running?");
        } catch (AccessDeniedException e) {
            return new Failed(Reason.ACCESS_DENIED, "You are not allowed to use the Flint tunnel service. "
                    + "Ask an administrator to add you to the flint-client group, then sign out and in again.");
        } catch (IOException e) {
            return new Failed(Reason.BROKEN, "Couldn't connect to the Flint tunnel service: " + e.getMessage());
        }
        if (requireRootService && !(stream.peer() instanceof PeerCredentials credentials && credentials.isRoot())) {
            stream.close();
            return new Failed(Reason.UNTRUSTED_SERVICE, "The Flint tunnel socket " + socket
                    + " is not served by the system's tunnel service. Not connecting.");
        }
        IpcConnection<ServiceMessage, GuiMessage> connection = IpcConnection.guiSide(stream);
        DecodeResult<ServiceMessage> first;
        CompletableFuture<DecodeResult<ServiceMessage>> reading = new CompletableFuture<>();
        Thread.ofVirtual().name("flint-ipc-hello").start(() -> {
            try {
                reading.complete(connection.receive());
            } catch (IOException | RuntimeException e) {
                reading.completeExceptionally(e);
            }
        });
        try {
            first = reading.get(helloTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.close();
            return new Failed(Reason.NOT_RESPONDING, "The Flint tunnel service is not responding. "
                    + "If this persists, restart the service or contact your administrator.");
        } catch (InterruptedException e) {
            connection.close();
            Thread.currentThread().interrupt();
            return new Failed(Reason.BROKEN, "Interrupted while connecting to the Flint tunnel service.");
        } catch (ExecutionException e) {
            connection.close();
            return new Failed(Reason.BROKEN, "Couldn't read from the Flint tunnel service: " + e.getCause().getMessage());
        }
        return switch (first) {
            case DecodeResult.Decoded<ServiceMessage>(ServiceMessage.Hello hello) -> {
                Optional<String> mismatch = ProtocolVersion.mismatch(hello, guiVersion);
                if (mismatch.isPresent()) {
                    connection.close();
                    yield new Failed(Reason.VERSION_MISMATCH, mismatch.get());
                }
                yield new Ready(connection, hello);
            }
            case DecodeResult.Rejected<ServiceMessage>(FrameProblem.VersionMismatch mismatch) -> {
                connection.close();
                yield new Failed(Reason.VERSION_MISMATCH, mismatch.sentence());
            }
            case DecodeResult.Decoded<ServiceMessage> other -> {
                connection.close();
                yield new Failed(Reason.BROKEN, "The Flint tunnel service did not start with a greeting (got "
                        + other.message().getClass().getSimpleName() + ").");
            }
            case DecodeResult.Rejected<ServiceMessage> rejected -> {
                connection.close();
                yield new Failed(Reason.BROKEN, "The Flint tunnel service sent an unreadable greeting: "
                        + rejected.problem().sentence());
            }
            case DecodeResult.Fatal<ServiceMessage> fatal ->
                    new Failed(Reason.BROKEN, "The Flint tunnel service connection broke: " + fatal.fault().sentence());
            case DecodeResult.EndOfStream<ServiceMessage> end ->
                    new Failed(Reason.NOT_RESPONDING, "The Flint tunnel service closed the connection without a greeting. "
                            + "Is another Flint app already connected?");
        };
    }
}
