package dev.flint.tunnel.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.PipeClientIdentity;
import dev.flint.shell.fake.FakeWintun;
import dev.flint.tunnel.os.MemoryIpc;
import dev.flint.tunnel.service.Platform;
import dev.flint.tunnel.service.ServiceCommand;
import dev.flint.tunnel.windows.WindowsService.State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flint-tunnel run} on Windows, from the Service Control Manager's start to its stop, with
 * every Windows API faked: the service binds the pipe, admits only the installed GUI's image, brings
 * the Wintun adapter up with its rows and the NRPT rule for a connect, takes all of it back on
 * disconnect, listens to the IP Helper notifications, and reports the SCM states. Nothing on this
 * path is Linux's: the only natives it could reach are the fakes handed to {@link WindowsServiceOs}.
 */
class WindowsStartPathTest {
    private static final long GUI_PID = 4242;
    private static final long OTHER_PID = 777;

    @TempDir
    Path dir;

    /** The SCM fake that also lets the test wait for RUNNING. */
    static final class Scm implements ServiceControlManager {
        final WindowsServiceTest.FakeScm scm = new WindowsServiceTest.FakeScm();
        final CountDownLatch running = new CountDownLatch(1);

        @Override
        public boolean runDispatcher(String serviceName, Runnable serviceMain) {
            return scm.runDispatcher(serviceName, serviceMain);
        }

        @Override
        public StatusHandle registerHandler(String serviceName, ControlHandler handler) {
            return scm.registerHandler(serviceName, handler);
        }

        @Override
        public void setStatus(StatusHandle handle, Status status) {
            scm.setStatus(handle, status);
            if (status.state() == State.RUNNING) {
                running.countDown();
            }
        }
    }

    /** The IP Helper notifications: registrations are counted and changes delivered by hand. */
    static final class Changes implements IpChangeNotifications {
        final List<Consumer<Change>> subscribers = new ArrayList<>();
        int cancelled;

        @Override
        public synchronized Subscription interfaceChanges(Consumer<Change> onChange) {
            subscribers.add(onChange);
            return () -> cancelled++;
        }

        @Override
        public synchronized Subscription routeChanges(Consumer<Change> onChange) {
            subscribers.add(onChange);
            return () -> cancelled++;
        }

        @Override
        public OptionalLong luidOf(String alias) {
            return OptionalLong.of(FakeWintun.LUID);
        }
    }

    @Test
    void underTheScmTheServiceServesTheInstalledGuiOverThePipeAndLeavesNothingBehind() throws Exception {
        Path install = Files.createDirectories(dir.resolve("Flint"));
        Files.write(install.resolve("wintun.dll"), new byte[] {'M', 'Z'});
        String guiImage = install.resolve(WindowsServiceOs.GUI_EXECUTABLE).toString();
        FakeWintun wintun = new FakeWintun();
        WindowsTunnelInterfaceTest.RecordingIpHelper ipHelper = new WindowsTunnelInterfaceTest.RecordingIpHelper();
        NrptDnsControlTest.MemoryRegistry registry = new NrptDnsControlTest.MemoryRegistry();
        registry.createKey(NrptDnsControl.LOCAL);
        Scm scm = new Scm();
        Changes changes = new Changes();
        MemoryIpc pipe = new MemoryIpc();
        // Windows names images in its own case; the check must not care.
        Map<Long, String> images = Map.of(GUI_PID, guiImage.toUpperCase(java.util.Locale.ROOT),
                OTHER_PID, "C:\\Users\\mallory\\flint-gui.exe");
        Platform windows = new Platform(Platform.Os.WINDOWS, new WindowsServiceOs(new WindowsServiceOs.Natives(
                () -> wintun, ipHelper, changes, registry, pid -> Optional.ofNullable(images.get(pid)), scm, pipe,
                install)));

        Path iface = Files.writeString(dir.resolve("static.conf"), """
                address = 100.64.0.7
                route = 10.0.0.0/8
                dns = 100.100.111.1
                """);
        ServiceCommand.Options options = ServiceCommand.parse("run", List.of("--state-dir", dir.resolve("state").toString(),
                "--log-dir", dir.resolve("logs").toString(), "--static-interface", iface.toString()), Map.of(), windows);
        assertThat(options.dnsMode().cliName()).isEqualTo("nrpt");
        assertThat(options.interfaceName()).isEqualTo("Flint");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ServiceCommand.serve(options, windows,
                install, Optional.empty(), Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8),
                Optional.empty()));

        // Another program of the same user is refused before it reads a byte.
        try (IpcConnection<ServiceMessage, GuiMessage> other = IpcConnection.guiSide(
                pipe.connect(new PipeClientIdentity(OTHER_PID, 1)))) {
            assertThat(other.receive()).isInstanceOf(DecodeResult.EndOfStream.class);
        }

        try (IpcConnection<ServiceMessage, GuiMessage> gui = IpcConnection.guiSide(
                pipe.connect(new PipeClientIdentity(GUI_PID, 1)))) {
            assertThat(message(gui)).isInstanceOf(ServiceMessage.Hello.class);
            assertThat(scm.running.await(1, TimeUnit.MINUTES)).as("SERVICE_RUNNING reported").isTrue();
            assertThat(changes.subscribers).as("interface and route notifications").hasSize(2);
            assertThat(wintun.calls).as("start-up looked for a leftover adapter; none is made before a connect")
                    .containsExactly("openAdapter Flint");

            gui.send(new GuiMessage.Connect("token", false));
            assertThat(message(gui)).isEqualTo(ServiceMessage.ConnectResult.ok());
            assertThat(message(gui)).isInstanceOf(ServiceMessage.ResourcesUpdated.class);
            assertThat(wintun.calls.get(1)).startsWith("createAdapter Flint");
            assertThat(ipHelper.calls.stream().map(String::valueOf)).contains(
                    "create " + new IpHelper.Route(FakeWintun.LUID, dev.flint.tunnel.os.Cidr.parse("10.0.0.0/8"), 0));
            assertThat(registry.keyExists(NrptDnsControl.LOCAL + "\\" + NrptDnsControl.RULE_ID)).isTrue();

            // A change on another interface is reported (after the quiet period); the adapter's own are not.
            changes.subscribers.forEach(s -> s.accept(new IpChangeNotifications.Change(FakeWintun.LUID,
                    IpChangeNotifications.Kind.PARAMETER)));

            gui.send(new GuiMessage.Disconnect());
            assertThat(message(gui)).isInstanceOf(ServiceMessage.DisconnectedGracefully.class);
            assertThat(wintun.calls).endsWith("endSession", "closeAdapter 1");
            assertThat(ipHelper.calls.stream().map(String::valueOf)).last().asString().startsWith("delete");
            assertThat(registry.keyExists(NrptDnsControl.LOCAL + "\\" + NrptDnsControl.RULE_ID)).isFalse();
        }

        assertThat(scm.scm.send(WindowsService.SERVICE_CONTROL_STOP)).isEqualTo(WindowsService.NO_ERROR);
        assertThat(exit.get(1, TimeUnit.MINUTES)).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        // STOP_PENDING comes again with a higher checkpoint while the session is torn down, as the SCM expects.
        assertThat(scm.scm.states().stream().distinct()).containsExactly(State.START_PENDING, State.RUNNING, State.STOP_PENDING,
                State.STOPPED);
        assertThat(pipe.closed()).as("the pipe is released").isTrue();
        assertThat(changes.cancelled).as("both notifications cancelled").isEqualTo(2);
        assertThat(registry.keyExists(NrptDnsControl.LOCAL + "\\" + NrptDnsControl.RULE_ID)).isFalse();
        assertThat(Files.exists(options.paths().cleanupJournal())).as("nothing left to repair").isFalse();
    }

    @Test
    void aPortalSessionIsRefusedWithASentenceUntilTheDataPlaneRunsOnWindows() throws Exception {
        Path install = Files.createDirectories(dir.resolve("Flint"));
        Files.write(install.resolve("wintun.dll"), new byte[] {'M', 'Z'});
        Scm scm = new Scm();
        MemoryIpc pipe = new MemoryIpc();
        Platform windows = new Platform(Platform.Os.WINDOWS, new WindowsServiceOs(new WindowsServiceOs.Natives(
                FakeWintun::new, new WindowsTunnelInterfaceTest.RecordingIpHelper(), new Changes(),
                new NrptDnsControlTest.MemoryRegistry(), pid -> Optional.empty(), scm, pipe, install)));
        ServiceCommand.Options options = ServiceCommand.parse("run", List.of("--state-dir", dir.resolve("state").toString(),
                "--allow-any-peer-exe"), Map.of(), windows);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ServiceCommand.serve(options, windows,
                install, Optional.empty(), Map.of(), System.err, Optional.empty()));
        try (IpcConnection<ServiceMessage, GuiMessage> gui = IpcConnection.guiSide(
                pipe.connect(new PipeClientIdentity(GUI_PID, 1)))) {
            assertThat(message(gui)).isInstanceOf(ServiceMessage.Hello.class);
            gui.send(new GuiMessage.Connect("token", false));
            assertThat(message(gui)).isEqualTo(ServiceMessage.ConnectResult.failed("Connecting through a portal is not "
                    + "available on Windows yet: Flint's data plane (its UDP socket and event loop) runs on Linux only so far."));
        }
        assertThat(scm.running.await(1, TimeUnit.MINUTES)).isTrue();
        scm.scm.send(WindowsService.SERVICE_CONTROL_STOP);
        assertThat(exit.get(1, TimeUnit.MINUTES)).isZero();
    }

    @Test
    void withoutWintunBesideTheExecutableTheServiceSaysSoAndDoesNotStart() throws Exception {
        Platform windows = new Platform(Platform.Os.WINDOWS, WindowsServiceOs.system());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        ServiceCommand.Options options = ServiceCommand.parse("run", List.of("--state-dir", dir.toString()), Map.of(),
                windows);
        assertThat(ServiceCommand.serve(options, windows, dir, Optional.empty(), Map.of(),
                new PrintStream(errors, true, StandardCharsets.UTF_8), Optional.empty())).isEqualTo(1);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("wintun.dll is missing from " + dir);
    }

    private static ServiceMessage message(IpcConnection<ServiceMessage, GuiMessage> gui) throws IOException {
        DecodeResult<ServiceMessage> result = gui.receive();
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<ServiceMessage>) result).message();
    }
}
