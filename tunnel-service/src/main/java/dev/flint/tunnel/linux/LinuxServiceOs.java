package dev.flint.tunnel.linux;

import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import dev.flint.tunnel.dns.ResolvedDns;
import dev.flint.tunnel.os.IpcListener;
import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.PeerCheck;
import dev.flint.tunnel.os.ServiceHost;
import dev.flint.tunnel.os.ServiceOs;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.SignalServiceHost;
import dev.flint.tunnel.os.TunnelInterface;
import dev.flint.tunnel.os.UnixSocketListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service on Linux: {@code tun-flint} with policy routing, systemd-resolved or resolv.conf,
 * the socket in {@code /run} for the {@code flint-client} group, the peer check against
 * {@code /proc}, rtnetlink for network changes, and systemd's readiness protocol.
 */
public final class LinuxServiceOs implements ServiceOs {
    private final Path etcGroup;
    private final Path proc;

    public LinuxServiceOs(Path etcGroup, Path proc) {
        this.etcGroup = etcGroup;
        this.proc = proc;
    }

    public static LinuxServiceOs system() {
        return new LinuxServiceOs(Path.of("/etc/group"), Path.of("/proc"));
    }

    @Override
    public String defaultInterfaceName() {
        return LinuxTunnelInterface.DEFAULT_NAME;
    }

    @Override
    public TunnelInterface tunnelInterface(String name) {
        return new LinuxTunnelInterface(name);
    }

    @Override
    public List<DnsMode> dnsModes() {
        return List.of(DnsMode.SYSTEMD_RESOLVED, DnsMode.ETC_RESOLV_CONF, DnsMode.DISABLED);
    }

    @Override
    public DnsControl dnsControl(DnsMode mode, ServicePaths paths) {
        return switch (mode) {
            case SYSTEMD_RESOLVED -> new ResolvedDns();
            case ETC_RESOLV_CONF -> new ResolvConfDns(paths.resolvConf(), paths.resolvConfBackup());
            case DISABLED -> new DisabledDns();
            default -> throw new IllegalArgumentException(mode.cliName() + " is not a Linux DNS mode");
        };
    }

    @Override
    public ServicePaths paths(Map<String, String> environment) {
        return ServicePaths.system();
    }

    @Override
    public Optional<String> missingPrerequisite(Path executableDirectory) {
        return Files.exists(Path.of("/dev/net/tun")) ? Optional.empty()
                : Optional.of("this machine has no /dev/net/tun, so no tunnel can be created.");
    }

    @Override
    public ServiceHost serviceHost(String mode, Map<String, String> environment, PrintStream err) {
        return new SignalServiceHost(state -> SystemdNotify.send(environment, state), err);
    }

    @Override
    public Optional<String> clientGroup() {
        return PeerPolicy.groupId(etcGroup, UnixSocketListener.CLIENT_GROUP).map(gid -> UnixSocketListener.CLIENT_GROUP);
    }

    @Override
    public IpcListener.Binder ipc(ServicePaths paths) {
        return UnixSocketListener.binder(paths.socket(), clientGroup());
    }

    @Override
    public PeerCheck peerCheck(boolean anyExecutable) {
        return new PeerPolicy(PeerPolicy.groupId(etcGroup, UnixSocketListener.CLIENT_GROUP),
                anyExecutable ? Optional.empty() : Optional.of(PeerPolicy.INSTALLED_GUI), proc);
    }

    @Override
    public NetworkMonitor.Factory networkMonitors() {
        return NetworkChangeMonitor.factory();
    }
}
