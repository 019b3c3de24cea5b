package dev.flint.tunnel.service;

import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.linux.LinuxServiceOs;
import dev.flint.tunnel.macos.MacServiceOs;
import dev.flint.tunnel.os.ServiceHost;
import dev.flint.tunnel.os.ServiceOs;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.TunnelInterface;
import dev.flint.tunnel.windows.WindowsServiceOs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place the service picks its OS: the {@link ServiceOs} of {@code linux}, {@code windows}
 * or {@code macos}, which supplies every OS piece (tunnel interface, DNS control, directories, IPC
 * endpoint, peer check, network monitor, service manager). Nothing native is loaded by choosing:
 * each piece binds its libraries when first used, so every choice can be made (and tested) anywhere.
 */
public record Platform(Os os, ServiceOs pieces) {

    public enum Os { LINUX, WINDOWS, MACOS }

    /** {@code os} with the real system's pieces. */
    public Platform(Os os) {
        this(os, switch (os) {
            case LINUX -> LinuxServiceOs.system();
            case WINDOWS -> WindowsServiceOs.system();
            case MACOS -> MacServiceOs.system();
        });
    }

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

    public String defaultInterfaceName() {
        return pieces.defaultInterfaceName();
    }

    public TunnelInterface tunnelInterface(String name) {
        return pieces.tunnelInterface(name);
    }

    /** The modes this OS offers, the default first. */
    public List<DnsMode> dnsModes() {
        return pieces.dnsModes();
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
        return pieces.dnsControl(mode, paths);
    }

    public ServicePaths paths(Map<String, String> environment) {
        return pieces.paths(environment);
    }

    public Optional<String> missingPrerequisite(Path executableDirectory) {
        return pieces.missingPrerequisite(executableDirectory);
    }

    /**
     * How {@code mode} ({@code run}, {@code run-interactive}, {@code headless}) is run: {@code run}
     * on Windows belongs to the Service Control Manager; everything else stops on SIGTERM/SIGINT
     * and tells systemd when it is ready, if systemd is listening.
     */
    public ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err) {
        return pieces.serviceHost(mode, environment, err);
    }
}
