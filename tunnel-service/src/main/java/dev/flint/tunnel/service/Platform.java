package dev.flint.tunnel.service;

import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.linux.LinuxTunnelInterface;
import dev.flint.tunnel.os.ServiceHost;
import dev.flint.tunnel.os.SignalServiceHost;
import dev.flint.tunnel.os.TunnelInterface;

import dev.flint.ipc.transport.IpcEndpoints;
import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import dev.flint.tunnel.dns.ResolvedDns;
import dev.flint.tunnel.macos.MacTunnelInterface;
import dev.flint.tunnel.macos.ScutilDnsControl;
import dev.flint.tunnel.windows.Advapi32Registry;
import dev.flint.tunnel.windows.Advapi32ServiceControlManager;
import dev.flint.tunnel.windows.NrptDnsControl;
import dev.flint.tunnel.windows.WindowsService;
import dev.flint.tunnel.windows.WindowsTunnelInterface;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place the service picks its OS pieces: the tunnel interface, the DNS control modes, the
 * directories, and how the service manager runs it. Nothing native is loaded by choosing: each
 * piece binds its libraries when first used, so every choice can be made (and tested) anywhere.
 */
public record Platform(Os os) {

    public enum Os { LINUX, WINDOWS, MACOS }

    public static Platform forCurrentOs() {
        return new Platform(detect(System.getProperty("os.name", "")));
    }

    static Os detect(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) {
            return Os.WINDOWS;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return Os.MACOS;
        }
        return Os.LINUX;
    }

    /** {@code tun-flint} on Linux, the Wintun adapter {@code Flint} on Windows, a kernel-chosen utun on macOS. */
    public String defaultInterfaceName() {
        return switch (os) {
            case LINUX -> LinuxTunnelInterface.DEFAULT_NAME;
            case WINDOWS -> WindowsTunnelInterface.DEFAULT_NAME;
            case MACOS -> MacTunnelInterface.DEFAULT_NAME;
        };
    }

    public TunnelInterface tunnelInterface(String name) {
        return switch (os) {
            case LINUX -> new LinuxTunnelInterface(name);
            case WINDOWS -> WindowsTunnelInterface.system(name);
            case MACOS -> MacTunnelInterface.system(name);
        };
    }

    /** The modes this OS offers, the default first. */
    public List<DnsMode> dnsModes() {
        return switch (os) {
            case LINUX -> List.of(DnsMode.SYSTEMD_RESOLVED, DnsMode.ETC_RESOLV_CONF, DnsMode.DISABLED);
            case WINDOWS -> List.of(DnsMode.NRPT, DnsMode.DISABLED);
            case MACOS -> List.of(DnsMode.SCUTIL, DnsMode.DISABLED);
        };
    }

    public DnsMode defaultDnsMode() {
        return dnsModes().getFirst();
    }

    /** "systemd-resolved, etc-resolv-conf or disabled": for messages about a rejected mode. */
    public String dnsModeNames() {
        List<String> names = dnsModes().stream().map(DnsMode::cliName).toList();
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + names.getLast();
    }

    /** The control for {@code mode}; a mode of another OS is refused with a sentence for the user. */
    public DnsControl dnsControl(DnsMode mode, ServicePaths paths) {
        if (!dnsModes().contains(mode)) {
            throw new IllegalArgumentException("the " + mode.cliName() + " DNS mode is not available on this system; use "
                    + dnsModeNames());
        }
        return switch (mode) {
            case SYSTEMD_RESOLVED -> new ResolvedDns();
            case ETC_RESOLV_CONF -> new ResolvConfDns(paths.resolvConf(), paths.resolvConfBackup());
            case NRPT -> new NrptDnsControl(new Advapi32Registry());
            case SCUTIL -> ScutilDnsControl.system();
            case DISABLED -> new DisabledDns();
        };
    }

    /**
     * Where the service keeps state, its socket and logs: Linux as before; Windows under
     * {@code %ProgramData%} as Firezone does; macOS in {@code /Library} and {@code /var/run}, where
     * the launchd plist sends the service's own output too.
     */
    public ServicePaths paths(Map<String, String> environment) {
        return switch (os) {
            case LINUX -> ServicePaths.system();
            case WINDOWS -> {
                Path root = Path.of(environment.getOrDefault("ProgramData", "C:\\ProgramData"), IpcEndpoints.APP_ID);
                // The runtime directory holds nothing on Windows (the IPC endpoint is a named pipe)
                // and resolv.conf is never read there: no DNS mode that uses it is offered.
                yield new ServicePaths(root.resolve("config"), root.resolve("run"), root.resolve("data").resolve("logs"),
                        root.resolve("config").resolve("resolv.conf"));
            }
            case MACOS -> new ServicePaths(Path.of("/Library/Application Support", IpcEndpoints.APP_ID),
                    IpcEndpoints.MACOS_TUNNEL_SOCKET.getParent(), Path.of("/Library/Logs", IpcEndpoints.APP_ID),
                    Path.of("/etc/resolv.conf"));
        };
    }

    /**
     * Why no tunnel can be created on this machine, as a sentence, or empty when nothing is missing:
     * Linux needs {@code /dev/net/tun}, Windows the {@code wintun.dll} the installer puts beside the
     * executable; macOS always has utun.
     */
    public Optional<String> missingPrerequisite(Path executableDirectory) {
        return switch (os) {
            case LINUX -> Files.exists(Path.of("/dev/net/tun")) ? Optional.empty()
                    : Optional.of("this machine has no /dev/net/tun, so no tunnel can be created.");
            case WINDOWS -> Files.isRegularFile(executableDirectory.resolve("wintun.dll")) ? Optional.empty()
                    : Optional.of("wintun.dll is missing from " + executableDirectory + "; reinstall Flint.");
            case MACOS -> Optional.empty();
        };
    }

    /**
     * How {@code mode} ({@code run}, {@code run-interactive}, {@code headless}) is run: {@code run}
     * on Windows belongs to the Service Control Manager; everything else stops on SIGTERM/SIGINT
     * and tells systemd when it is ready, if systemd is listening.
     */
    public ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err) {
        if (os == Os.WINDOWS && mode.equals("run")) {
            return new WindowsService(new Advapi32ServiceControlManager());
        }
        return new SignalServiceHost(environment, err);
    }
}
