package dev.flint.tunnel.windows;

import dev.flint.ipc.transport.IpcEndpoints;
import dev.flint.ipc.transport.windows.PipeName;
import dev.flint.shell.windows.WintunDll;
import dev.flint.shell.windows.WintunTunDevice;
import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.os.IpcListener;
import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.PeerCheck;
import dev.flint.tunnel.os.ServiceHost;
import dev.flint.tunnel.os.ServiceOs;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.SignalServiceHost;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service on Windows: the Wintun adapter {@code Flint} configured through the IP Helper API,
 * NRPT for DNS, state under {@code %ProgramData%}, the named pipe for the GUI with the client's
 * image checked, IP Helper notifications for network changes, and the Service Control Manager for
 * {@code run}. Every native API comes in through {@link Natives}, so the whole start path runs on
 * Linux against fakes; nothing here reaches a Linux-only call. Not yet run on Windows.
 */
public final class WindowsServiceOs implements ServiceOs {
    public static final String GUI_EXECUTABLE = "flint-gui.exe";

    /** The Windows APIs the service uses, each behind its facade. */
    public record Natives(WindowsTunnelInterface.WintunLoader wintun, IpHelper ipHelper,
                          IpChangeNotifications changes, WindowsRegistry registry, ProcessImages processes,
                          ServiceControlManager scm, IpcListener.Binder pipe, Path installDirectory) {}

    private final Natives natives;

    public WindowsServiceOs(Natives natives) {
        this.natives = natives;
    }

    /** The installed service: wintun.dll, iphlpapi, the registry, kernel32 and advapi32, all bound on first use. */
    public static WindowsServiceOs system() {
        IphlpapiIpHelper ipHelper = new IphlpapiIpHelper();
        Path install = WintunDll.besideExecutable().getParent();
        return new WindowsServiceOs(new Natives(() -> WintunDll.load(WintunDll.besideExecutable()), ipHelper, ipHelper,
                new Advapi32Registry(), new Kernel32ProcessImages(), new Advapi32ServiceControlManager(),
                PipeListener.binder(new PipeName(IpcEndpoints.WINDOWS_TUNNEL_PIPE)), install));
    }

    @Override
    public String defaultInterfaceName() {
        return WindowsTunnelInterface.DEFAULT_NAME;
    }

    @Override
    public TunnelInterface tunnelInterface(String name) {
        return new WindowsTunnelInterface(name, natives.wintun(), natives.ipHelper(),
                WintunTunDevice.DEFAULT_RING_CAPACITY, new NrptDnsControl(natives.registry()));
    }

    @Override
    public List<DnsMode> dnsModes() {
        return List.of(DnsMode.NRPT, DnsMode.DISABLED);
    }

    @Override
    public DnsControl dnsControl(DnsMode mode, ServicePaths paths) {
        return switch (mode) {
            case NRPT -> new NrptDnsControl(natives.registry());
            case DISABLED -> new DisabledDns();
            default -> throw new IllegalArgumentException(mode.cliName() + " is not a Windows DNS mode");
        };
    }

    /** Under {@code %ProgramData%}, as Firezone keeps its service's files. */
    @Override
    public ServicePaths paths(Map<String, String> environment) {
        Path root = Path.of(environment.getOrDefault("ProgramData", "C:\\ProgramData"), IpcEndpoints.APP_ID);
        // The runtime directory holds nothing on Windows (the IPC endpoint is a named pipe)
        // and resolv.conf is never read there: no DNS mode that uses it is offered.
        return new ServicePaths(root.resolve("config"), root.resolve("run"), root.resolve("data").resolve("logs"),
                root.resolve("config").resolve("resolv.conf"));
    }

    @Override
    public Optional<String> missingPrerequisite(Path executableDirectory) {
        return Files.isRegularFile(executableDirectory.resolve("wintun.dll")) ? Optional.empty()
                : Optional.of("wintun.dll is missing from " + executableDirectory + "; reinstall Flint.");
    }

    /** {@code run} belongs to the Service Control Manager; {@code run-interactive} and headless stop on Ctrl+C. */
    @Override
    public ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err) {
        return mode.equals("run") ? new WindowsService(natives.scm()) : new SignalServiceHost(SignalServiceHost.Notifier.none(), err);
    }

    /** No group: the pipe's DACL decides who may open it. */
    @Override
    public Optional<String> clientGroup() {
        return Optional.empty();
    }

    @Override
    public IpcListener.Binder ipc(ServicePaths paths) {
        return natives.pipe();
    }

    @Override
    public PeerCheck peerCheck(boolean anyExecutable) {
        return new PipeClientCheck(natives.processes(), anyExecutable ? Optional.empty()
                : Optional.of(natives.installDirectory().resolve(GUI_EXECUTABLE).toString()));
    }

    @Override
    public NetworkMonitor.Factory networkMonitors() {
        return IpHelperNetworkMonitor.factory(natives.changes());
    }

    @Override
    public Optional<String> missingDataPlane() {
        return Optional.of("Connecting through a portal is not available on Windows yet: Flint's data plane (its UDP socket and event loop) runs on Linux only so far.");
    }
}
