package dev.flint.tunnel.macos;

import dev.flint.ipc.transport.IpcEndpoints;
import dev.flint.shell.macos.DarwinProcesses;
import dev.flint.shell.macos.DarwinUtunSyscalls;
import dev.flint.shell.macos.UtunSyscalls;
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
import dev.flint.tunnel.os.UnixSocketListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The service on macOS, as a launchd daemon ({@code /Library/LaunchDaemons/dev.flint.tunnel.plist}):
 * a utun interface that lives exactly as long as the service's session (closed on disconnect, on the
 * GUI going away and on stop, and by the kernel with the descriptor when the process dies), DNS
 * through {@code scutil}, the socket in {@code /var/run} for the {@code flint-client} group, the
 * peer's executable from the process table, and a routing socket for network changes. launchd stops
 * it with SIGTERM. Every native API comes in through {@link Natives}; not yet run on macOS.
 */
public final class MacServiceOs implements ServiceOs {
    /** The macOS APIs the service uses, each behind its facade. */
    public record Natives(UtunSyscalls utun, CommandRunner commands, ScutilDnsControl.Scutil scutil,
                          RouteMessages.Opener routes, LongFunction<Optional<String>> executables,
                          Predicate<String> groupExists) {}

    private final Natives natives;

    public MacServiceOs(Natives natives) {
        this.natives = natives;
    }

    public static MacServiceOs system() {
        return new MacServiceOs(new Natives(new DarwinUtunSyscalls(), CommandRunner.processes(),
                ScutilDnsControl.system().scutil(), RouteMessages.system(), DarwinProcesses::executable,
                MacServiceOs::groupExists));
    }

    private static boolean groupExists(String group) {
        try {
            // getgrnam asks Directory Services, where the pkg's postinstall created the group with dscl.
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public String defaultInterfaceName() {
        return MacTunnelInterface.DEFAULT_NAME;
    }

    @Override
    public TunnelInterface tunnelInterface(String name) {
        return new MacTunnelInterface(name, natives.utun(), natives.commands(), new ScutilDnsControl(natives.scutil()));
    }

    @Override
    public List<DnsMode> dnsModes() {
        return List.of(DnsMode.SCUTIL, DnsMode.DISABLED);
    }

    @Override
    public DnsControl dnsControl(DnsMode mode, ServicePaths paths) {
        return switch (mode) {
            case SCUTIL -> new ScutilDnsControl(natives.scutil());
            case DISABLED -> new DisabledDns();
            default -> throw new IllegalArgumentException(mode.cliName() + " is not a macOS DNS mode");
        };
    }

    /** In {@code /Library} and {@code /var/run}, where the launchd plist sends the service's own output too. */
    @Override
    public ServicePaths paths(Map<String, String> environment) {
        return new ServicePaths(Path.of("/Library/Application Support", IpcEndpoints.APP_ID),
                IpcEndpoints.MACOS_TUNNEL_SOCKET.getParent(), Path.of("/Library/Logs", IpcEndpoints.APP_ID),
                Path.of("/etc/resolv.conf"));
    }

    /** Every macOS has utun. */
    @Override
    public Optional<String> missingPrerequisite(Path executableDirectory) {
        return Optional.empty();
    }

    /** launchd sends SIGTERM and has no readiness protocol. */
    @Override
    public ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err) {
        return new SignalServiceHost(SignalServiceHost.Notifier.none(), err);
    }

    @Override
    public Optional<String> clientGroup() {
        return natives.groupExists().test(UnixSocketListener.CLIENT_GROUP) ? Optional.of(UnixSocketListener.CLIENT_GROUP) : Optional.empty();
    }

    @Override
    public IpcListener.Binder ipc(ServicePaths paths) {
        return UnixSocketListener.binder(paths.socket(), clientGroup());
    }

    @Override
    public PeerCheck peerCheck(boolean anyExecutable) {
        return new MacPeerCheck(natives.executables(),
                anyExecutable ? Optional.empty() : Optional.of(MacPeerCheck.INSTALLED_GUI));
    }

    @Override
    public NetworkMonitor.Factory networkMonitors() {
        return RouteSocketMonitor.factory(natives.routes());
    }

    @Override
    public Optional<String> missingDataPlane() {
        return Optional.of("Connecting through a portal is not available on macOS yet: Flint's data plane (its UDP socket and event loop) runs on Linux only so far.");
    }
}
