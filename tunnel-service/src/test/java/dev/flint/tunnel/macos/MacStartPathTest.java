package dev.flint.tunnel.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.UnixSocket;
import dev.flint.shell.TunDevice;
import dev.flint.shell.fake.FakeUtunKernel;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.service.Session;
import dev.flint.tunnel.service.StateFiles;
import dev.flint.tunnel.service.TunnelService;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service on macOS as launchd runs it, with the kernel, the commands and scutil faked: the utun
 * never outlives the service. Firezone's macOS client leaked one utun per launch when the app quit
 * while not connected (its issue #10580); here a utun exists only while a session is connected, and
 * every way a session ends — disconnect or sign-out, the GUI quitting or dying, the service stopping —
 * removes it, in every state. A killed service's utun goes with its descriptor, which no child
 * process ({@code ifconfig}, {@code route}, {@code scutil}) can inherit and keep alive.
 */
class MacStartPathTest {
    @TempDir
    Path dir;

    private final FakeUtunKernel kernel = new FakeUtunKernel();
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final List<String> scutil = Collections.synchronizedList(new ArrayList<>());
    private final LinkedBlockingQueue<Session.Listener> sessions = new LinkedBlockingQueue<>();
    private TunnelService service;
    private ServicePaths paths;

    @BeforeEach
    void start() throws IOException {
        MacServiceOs mac = new MacServiceOs(new MacServiceOs.Natives(kernel, command -> {
            // Every child process starts after the utun's descriptor was made close-on-exec.
            assertThat(kernel.calls).as("configured before " + command).contains("configure");
            commands.add(String.join(" ", command));
        }, scutil::add, () -> new MacPiecesTest.QueuedRoutes(), pid -> pid == ProcessHandle.current().pid()
                ? Optional.of(MacPeerCheck.INSTALLED_GUI) : Optional.empty(), group -> false));
        paths = new ServicePaths(dir.resolve("state"), dir.resolve("run"), dir.resolve("logs"), dir.resolve("resolv.conf"));
        service = TunnelService.on(mac, paths, new StateFiles(paths, mac.clientGroup()), false, mac.defaultInterfaceName(),
                mac.dnsControl(DnsMode.SCUTIL, paths), (token, internet) -> new ControlledSession(), Optional.empty());
        service.start();
        assertThat(scutil).as("a DNS entry left by a dead service is removed at start").containsExactly(
                "remove " + ScutilDnsControl.KEY + "\n");
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** A session the test drives: what it reports, and when. */
    final class ControlledSession implements Session {
        @Override
        public void start(Listener listener) {
            sessions.add(listener);
        }

        @Override
        public void setInternetResourceEnabled(boolean enabled) {
        }

        @Override
        public void reset(String reason) {
        }

        @Override
        public void close() {
        }
    }

    enum Reached { CONNECTING, WAITING_FOR_NETWORK, CONNECTED, CONNECTED_THEN_WAITING }

    enum Ending { DISCONNECT, SIGN_OUT, GUI_QUITS, SERVICE_STOPS }

    @Test
    void quittingWhileNotConnectedNeverMadeAUtun() throws Exception {
        try (IpcConnection<ServiceMessage, GuiMessage> gui = gui()) {
            assertThat(next(gui)).isInstanceOf(ServiceMessage.Hello.class);
            gui.send(new GuiMessage.Disconnect());
            assertThat(next(gui)).isInstanceOf(ServiceMessage.DisconnectedGracefully.class);
        }
        service.close();
        assertThat(kernel.calls).as("no utun socket was ever opened").noneMatch(c -> c.startsWith("socket"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Reached.class)
    void everyEndingInEveryStateLeavesNoUtun(Reached reached) throws Exception {
        for (Ending ending : Ending.values()) {
            if (ending == Ending.SERVICE_STOPS) {
                continue; // the service stops once, below
            }
            reach(reached, ending);
        }
        reach(reached, Ending.SERVICE_STOPS);
    }

    private void reach(Reached reached, Ending ending) throws Exception {
        int socketsBefore = (int) kernel.calls.stream().filter(c -> c.startsWith("socket")).count();
        IpcConnection<ServiceMessage, GuiMessage> gui = gui();
        assertThat(next(gui)).isInstanceOf(ServiceMessage.Hello.class);
        gui.send(new GuiMessage.Connect("token", false));
        assertThat(next(gui)).isEqualTo(ServiceMessage.ConnectResult.ok());
        Session.Listener session = sessions.poll(1, TimeUnit.MINUTES);
        assertThat(session).as("the session was started").isNotNull();
        boolean madeUtun = reached == Reached.CONNECTED || reached == Reached.CONNECTED_THEN_WAITING;
        if (madeUtun) {
            Optional<TunDevice> device = session.connected(config());
            assertThat(device).as("the utun is handed to the data plane").isPresent();
            assertThat(kernel.closed).isFalse();
            assertThat(service.state()).isEqualTo(TunnelService.State.CONNECTED);
        }
        if (reached == Reached.WAITING_FOR_NETWORK || reached == Reached.CONNECTED_THEN_WAITING) {
            session.waitingForNetwork("no network");
            assertThat(service.state()).isEqualTo(TunnelService.State.WAITING_FOR_NETWORK);
        }
        if (!madeUtun) {
            assertThat(kernel.calls.stream().filter(c -> c.startsWith("socket")).count())
                    .as("no utun while " + reached).isEqualTo(socketsBefore);
        }
        switch (ending) {
            case DISCONNECT, SIGN_OUT -> {
                // Sign-out is a Disconnect from the GUI, which then forgets its token.
                gui.send(new GuiMessage.Disconnect());
                assertThat(next(gui)).isInstanceOf(ServiceMessage.DisconnectedGracefully.class);
                gui.close();
            }
            case GUI_QUITS -> {
                gui.close();
                // The service ends the session when it sees the end of the GUI's stream: the next GUI is served after.
                IpcConnection<ServiceMessage, GuiMessage> next = gui();
                assertThat(next(next)).isInstanceOf(ServiceMessage.Hello.class);
                next.close();
            }
            case SERVICE_STOPS -> {
                service.close();
                assertThat(next(gui)).isInstanceOf(ServiceMessage.TerminatingGracefully.class);
                gui.close();
            }
        }
        if (ending != Ending.GUI_QUITS && ending != Ending.SERVICE_STOPS) {
            assertThat(service.state()).isEqualTo(TunnelService.State.IDLE);
        }
        assertThat(kernel.closed).as("the utun is closed after " + ending + " in " + reached).isEqualTo(madeUtun);
        if (madeUtun) {
            assertThat(commands).as("every route added was deleted").contains(
                    "/sbin/route -q -n delete -inet 10.0.0.0/8 -interface utun4");
            kernel.closed = false;
            commands.clear();
        }
    }

    private static InterfaceConfig config() {
        return new InterfaceConfig(Optional.of((Inet4Address) Cidr.parse("100.64.0.7").address()), Optional.empty(),
                List.of(Cidr.parse("10.0.0.0/8")), List.of(InetAddress.getLoopbackAddress()), Optional.empty());
    }

    private IpcConnection<ServiceMessage, GuiMessage> gui() throws IOException {
        return IpcConnection.guiSide(UnixSocket.connect(paths.socket()));
    }

    private static ServiceMessage next(IpcConnection<ServiceMessage, GuiMessage> gui) throws IOException {
        while (true) {
            DecodeResult<ServiceMessage> result = gui.receive();
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            ServiceMessage message = ((DecodeResult.Decoded<ServiceMessage>) result).message();
            if (!(message instanceof ServiceMessage.ResourcesUpdated)) {
                return message;
            }
        }
    }
}
