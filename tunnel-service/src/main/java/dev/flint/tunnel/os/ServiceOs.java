package dev.flint.tunnel.os;

import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the tunnel service needs from one operating system, and all of it: one implementation per
 * OS in its own package ({@code linux}, {@code windows}, {@code macos}), picked by the service's
 * {@code Platform}. Nothing native is loaded by asking for a piece: each binds its libraries when
 * first used, so every OS's service can be assembled, and its start path run with fakes, anywhere.
 */
public interface ServiceOs {

    /** {@code tun-flint} on Linux, the Wintun adapter {@code Flint} on Windows, a kernel-chosen utun on macOS. */
    String defaultInterfaceName();

    TunnelInterface tunnelInterface(String name);

    /** The DNS control modes this OS offers, the default first. */
    List<DnsMode> dnsModes();

    /** The control for {@code mode}, one of {@link #dnsModes()}. */
    DnsControl dnsControl(DnsMode mode, ServicePaths paths);

    /** Where the service keeps state, its IPC endpoint (where that is a file) and logs. */
    ServicePaths paths(Map<String, String> environment);

    /** Why no tunnel can be created on this machine, as a sentence, or empty when nothing is missing. */
    Optional<String> missingPrerequisite(Path executableDirectory);

    /** How {@code mode} ({@code run}, {@code run-interactive}, {@code headless}) runs under this OS's service manager. */
    ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err);

    /** The group whose members may use the service (socket and readable state files), where the OS has one. */
    Optional<String> clientGroup();

    /** The endpoint the GUI connects to. */
    IpcListener.Binder ipc(ServicePaths paths);

    /** Who may connect; {@code anyExecutable} (development) drops the check of the GUI's executable. */
    PeerCheck peerCheck(boolean anyExecutable);

    NetworkMonitor.Factory networkMonitors();

    /**
     * Why a portal session cannot carry packets on this OS yet, as a sentence for the GUI, or empty.
     * (The data plane's batched UDP socket and event loop are Linux's; a static interface still works.)
     */
    default Optional<String> missingDataPlane() {
        return Optional.empty();
    }
}
