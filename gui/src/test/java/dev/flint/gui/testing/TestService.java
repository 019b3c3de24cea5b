package dev.flint.gui.testing;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.Site;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.SocketFilePolicy;
import dev.flint.ipc.transport.UnixSocket;
import dev.flint.ipc.transport.UnixSocketServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in tunnel service speaking the real IPC protocol over a real Unix socket: Hello first,
 * then Connect → ConnectResult + ResourcesUpdated, Disconnect → DisconnectedGracefully, and so on.
 * It uses the ipc module's own server transport and codec, so the GUI's client is checked against
 * the code the real service uses. Tests can stop and restart it, or push any message to the GUI.
 */
public final class TestService implements AutoCloseable {

    public static final Site HQ = new Site(UUID.fromString("6f1b7a4e-0000-4000-8000-0000000000aa"), "Headquarters");
    public static final List<ResourceView> RESOURCES = List.of(
            new ResourceView.Internet(UUID.fromString("1f000000-0000-4000-8000-000000000001"), "Internet", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Dns(UUID.fromString("03000143-e25e-45c7-aafb-144990e57dcd"), "gitlab.mycorp.com", "MyCorp GitLab",
                    "https://gitlab.mycorp.com", List.of(HQ), ResourceStatus.ONLINE),
            new ResourceView.Cidr(UUID.fromString("3b000000-0000-4000-8000-000000000003"), "10.20.0.0/16", "Lab network", "",
                    List.of(HQ), ResourceStatus.OFFLINE));

    private final Path socket;
    private final List<GuiMessage> received = new CopyOnWriteArrayList<>();
    private volatile UnixSocketServer server;
    private volatile IpcConnection<GuiMessage, ServiceMessage> client;
    private volatile String rejectTokensWith;
    private volatile int connections;

    public TestService(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    public List<GuiMessage> received() {
        return received;
    }

    public int connections() {
        return connections;
    }

    /** Connect answers with this error instead of success (null: accept). */
    public void rejectTokensWith(String sentence) {
        this.rejectTokensWith = sentence;
    }

    public synchronized TestService start() throws IOException {
        UnixSocketServer s = UnixSocketServer.bind(socket, SocketFilePolicy.groupReadWrite());
        server = s;
        // Platform thread: the transport blocks in native code (a virtual thread would pin its carrier).
        Thread.ofPlatform().daemon(true).name("test-service").start(() -> acceptLoop(s));
        return this;
    }

    private void acceptLoop(UnixSocketServer s) {
        while (server == s) {
            try {
                UnixSocket sock = s.accept();
                var c = IpcConnection.serviceSide(sock);
                client = c;
                connections++;
                c.send(new ServiceMessage.Hello(ProtocolVersion.CURRENT, "0.1.0-test", "test-device",
                        AdvancedSettings.defaults(), ManagedSettings.none()));
                serve(c);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(IpcConnection<GuiMessage, ServiceMessage> c) {
        try {
            while (true) {
                DecodeResult<GuiMessage> r = c.receive();
                if (!(r instanceof DecodeResult.Decoded<GuiMessage> d)) {
                    break;
                }
                received.add(d.message());
                switch (d.message()) {
                    case GuiMessage.Connect connect -> {
                        if (rejectTokensWith != null) {
                            c.send(ServiceMessage.ConnectResult.failed(rejectTokensWith));
                        } else {
                            c.send(ServiceMessage.ConnectResult.ok());
                            c.send(new ServiceMessage.ResourcesUpdated(RESOURCES, List.of()));
                        }
                    }
                    case GuiMessage.Disconnect x -> c.send(new ServiceMessage.DisconnectedGracefully());
                    case GuiMessage.ClearLogs x -> c.send(ServiceMessage.LogsCleared.ok());
                    case GuiMessage.ApplyAdvancedSettings a -> c.send(ServiceMessage.AdvancedSettingsApplied.ok(a.settings()));
                    case GuiMessage.SetInternetResourceEnabled x -> {
                    }
                    case GuiMessage.ConnectNow x -> {
                    }
                    case GuiMessage.RunDiagnostics x -> c.send(new ServiceMessage.DiagnosticsResult("disabled", List.of(),
                            null, "tun-test", null, List.of(), null));
                }
            }
        } catch (IOException e) {
            // the GUI went away; wait for the next one
        } finally {
            c.close();
        }
    }

    /** Sends a message to the connected GUI. */
    public void push(ServiceMessage m) throws IOException {
        client.send(m);
    }

    /** Like a crash: the connection and the listening socket vanish. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            UnixSocketServer s = server;
            server = null;
            s.close();
        }
        if (client != null) {
            client.close();
        }
        Files.deleteIfExists(socket);
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
