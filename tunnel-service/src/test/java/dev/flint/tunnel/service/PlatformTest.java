package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.tunnel.dns.DisabledDns;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import dev.flint.tunnel.dns.ResolvedDns;
import dev.flint.tunnel.linux.LinuxTunnelInterface;
import dev.flint.tunnel.macos.MacTunnelInterface;
import dev.flint.tunnel.macos.ScutilDnsControl;
import dev.flint.tunnel.os.ServicePaths;
import dev.flint.tunnel.os.SignalServiceHost;
import dev.flint.tunnel.windows.NrptDnsControl;
import dev.flint.tunnel.windows.WindowsService;
import dev.flint.tunnel.windows.WindowsTunnelInterface;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each OS's choices, made here on Linux: choosing must not load any native library. */
class PlatformTest {
    private static final Platform LINUX = new Platform(Platform.Os.LINUX);
    private static final Platform WINDOWS = new Platform(Platform.Os.WINDOWS);
    private static final Platform MACOS = new Platform(Platform.Os.MACOS);

    @Test
    void detectsTheOsFromTheJvmsName() {
        assertThat(Platform.detect("Linux")).isEqualTo(Platform.Os.LINUX);
        assertThat(Platform.detect("Windows 11")).isEqualTo(Platform.Os.WINDOWS);
        assertThat(Platform.detect("Windows Server 2022")).isEqualTo(Platform.Os.WINDOWS);
        assertThat(Platform.detect("Mac OS X")).isEqualTo(Platform.Os.MACOS);
        assertThat(Platform.forCurrentOs().os()).isEqualTo(Platform.Os.LINUX);
    }

    @Test
    void linuxKeepsWhatTheServiceUsedBefore() {
        assertThat(LINUX.tunnelInterface("tun-flint")).isInstanceOf(LinuxTunnelInterface.class);
        assertThat(LINUX.defaultInterfaceName()).isEqualTo("tun-flint");
        assertThat(LINUX.defaultDnsMode()).isEqualTo(DnsMode.SYSTEMD_RESOLVED);
        assertThat(LINUX.dnsModeNames()).isEqualTo("systemd-resolved, etc-resolv-conf or disabled");
        ServicePaths paths = LINUX.paths(Map.of());
        assertThat(paths).isEqualTo(ServicePaths.system());
        assertThat(LINUX.dnsControl(DnsMode.SYSTEMD_RESOLVED, paths)).isInstanceOf(ResolvedDns.class);
        assertThat(LINUX.dnsControl(DnsMode.ETC_RESOLV_CONF, paths)).isInstanceOf(ResolvConfDns.class);
        assertThat(LINUX.dnsControl(DnsMode.DISABLED, paths)).isInstanceOf(DisabledDns.class);
        assertThatThrownBy(() -> LINUX.dnsControl(DnsMode.NRPT, paths))
                .hasMessage("the nrpt DNS mode is not available on this system; use systemd-resolved, etc-resolv-conf or disabled");
        assertThat(LINUX.serviceHost("run", Map.of(), System.err)).isInstanceOf(SignalServiceHost.class);
    }

    @Test
    void windowsUsesWintunNrptProgramDataAndTheScmForRun() {
        assertThat(WINDOWS.tunnelInterface("Flint")).isInstanceOf(WindowsTunnelInterface.class);
        assertThat(WINDOWS.defaultInterfaceName()).isEqualTo("Flint");
        assertThat(WINDOWS.dnsModes()).containsExactly(DnsMode.NRPT, DnsMode.DISABLED);
        ServicePaths paths = WINDOWS.paths(Map.of("ProgramData", "D:\\Data"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("D:\\Data", "dev.flint.client", "config"));
        assertThat(paths.logDir()).isEqualTo(Path.of("D:\\Data", "dev.flint.client", "data", "logs"));
        assertThat(WINDOWS.dnsControl(DnsMode.NRPT, paths)).isInstanceOf(NrptDnsControl.class);
        assertThatThrownBy(() -> WINDOWS.dnsControl(DnsMode.ETC_RESOLV_CONF, paths))
                .hasMessageEndingWith("use nrpt or disabled");
        assertThat(WINDOWS.serviceHost("run", Map.of(), System.err)).isInstanceOf(WindowsService.class);
        assertThat(WINDOWS.serviceHost("run-interactive", Map.of(), System.err)).isInstanceOf(SignalServiceHost.class);
    }

    @Test
    void windowsNeedsWintunBesideTheExecutable(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(WINDOWS.missingPrerequisite(dir)).hasValueSatisfying(s -> assertThat(s).contains("wintun.dll is missing"));
        java.nio.file.Files.write(dir.resolve("wintun.dll"), new byte[] {'M', 'Z'});
        assertThat(WINDOWS.missingPrerequisite(dir)).isEmpty();
        assertThat(MACOS.missingPrerequisite(dir)).isEmpty();
        assertThat(LINUX.missingPrerequisite(dir)).isEqualTo(java.nio.file.Files.exists(Path.of("/dev/net/tun"))
                ? java.util.Optional.empty() : java.util.Optional.of("this machine has no /dev/net/tun, so no tunnel can be created."));
    }

    @Test
    void macosUsesUtunScutilAndLaunchdPaths() {
        assertThat(MACOS.tunnelInterface("utun")).isInstanceOf(MacTunnelInterface.class);
        assertThat(MACOS.defaultInterfaceName()).isEqualTo("utun");
        assertThat(MACOS.defaultDnsMode()).isEqualTo(DnsMode.SCUTIL);
        ServicePaths paths = MACOS.paths(Map.of());
        assertThat(paths.socket()).isEqualTo(Path.of("/var/run/dev.flint.client/tunnel.sock"));
        assertThat(paths.logDir()).isEqualTo(Path.of("/Library/Logs/dev.flint.client"));
        assertThat(MACOS.dnsControl(DnsMode.SCUTIL, paths)).isInstanceOf(ScutilDnsControl.class);
        assertThat(MACOS.serviceHost("run", Map.of(), System.err)).isInstanceOf(SignalServiceHost.class);
    }
}
