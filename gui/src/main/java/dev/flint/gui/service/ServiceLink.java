package dev.flint.gui.service;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.platform.LocalEndpoint;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.FrameProblem;
import dev.flint.ipc.transport.IpcConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GUI's connection to the tunnel service, over the ipc module's Unix socket or named pipe
 * transport ({@link LocalEndpoint}). {@link #connect()} opens the socket and starts a
 * reader thread that turns frames into controller events; a rejected frame is logged and skipped,
 * a broken stream ends the connection with {@code ServiceLost}.
 */
public final class ServiceLink {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLink.class);

    private final LocalEndpoint endpoint;
    private final Consumer<ControllerEvent> events;
    private volatile IpcConnection<ServiceMessage, GuiMessage> connection;
    private long generation;

    public ServiceLink(Path socket, Consumer<ControllerEvent> events) {
        this(LocalEndpoint.unixSocket(socket), events);
    }

    /** Over {@code endpoint}: the service's Unix socket, or its named pipe on Windows. */
    public ServiceLink(LocalEndpoint endpoint, Consumer<ControllerEvent> events) {
        this.endpoint = endpoint;
        this.events = events;
    }

    /** Opens the socket; reports {@code ServiceAttached} or {@code ServiceUnreachable}. */
    public synchronized void connect() {
        close();
        IpcConnection<ServiceMessage, GuiMessage> c;
        try {
            c = IpcConnection.guiSide(endpoint.connect());
        } catch (IOException | RuntimeException e) {
            events.accept(new ControllerEvent.ServiceUnreachable(endpoint.describe() + ": " + e.getMessage()));
            return;
        }
        connection = c;
        LOG.info("Connected to the tunnel service at {} ({})", endpoint.describe(), c.peer());
        long gen = ++generation;
        events.accept(new ControllerEvent.ServiceAttached());
        // A platform thread: the transport blocks in native code, which would pin a virtual thread's carrier.
        Thread.ofPlatform().daemon(true).name("service-reader").start(() -> readLoop(c, gen));
    }

    private void readLoop(IpcConnection<ServiceMessage, GuiMessage> c, long gen) {
        String reason = null;
        try {
            while (reason == null) {
                reason = switch (c.receive()) {
                    case DecodeResult.Decoded<ServiceMessage> d -> {
                        events.accept(new ControllerEvent.FromService(d.message()));
                        yield null;
                    }
                    case DecodeResult.Rejected<ServiceMessage> rej -> {
                        if (rej.problem() instanceof FrameProblem.VersionMismatch vm) {
                            events.accept(new ControllerEvent.ServiceIncompatible(vm.sentence()));
                        } else {
                            LOG.warn("Dropped a frame from the service: {}", rej.problem());
                        }
                        yield null;
                    }
                    case DecodeResult.Fatal<ServiceMessage> f -> f.fault().sentence();
                    case DecodeResult.EndOfStream<ServiceMessage> e -> "the service closed the connection";
                };
            }
        } catch (IOException e) {
            reason = String.valueOf(e.getMessage());
        }
        c.close();
        synchronized (this) {
            if (gen != generation) {
                return; // an old connection we already replaced or closed on purpose
            }
            connection = null;
        }
        events.accept(new ControllerEvent.ServiceLost(reason));
    }

    public void send(GuiMessage message) {
        IpcConnection<ServiceMessage, GuiMessage> c = connection;
        if (c == null) {
            LOG.warn("Not sent (no service connection): {}", message);
            return;
        }
        try {
            c.send(message);
        } catch (IOException e) {
            LOG.warn("Sending {} failed: {}", message, e.toString());
            c.close(); // the reader sees the end and reports ServiceLost
        }
    }

    /** Closes on purpose: no {@code ServiceLost} is reported for this connection. */
    public synchronized void close() {
        generation++;
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
