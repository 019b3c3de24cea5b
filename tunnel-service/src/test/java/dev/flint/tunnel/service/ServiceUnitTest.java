package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.linux.PeerPolicy;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.ServicePaths;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State files, peer checks, the static interface file and the command line, without privileges. */
class ServiceUnitTest {
    @TempDir
    Path dir;

    ServicePaths paths() {
        return new ServicePaths(dir.resolve("state"), dir.resolve("run"), dir.resolve("log"), dir.resolve("resolv.conf"));
    }

    @Test
    void deviceIdPersistsIsGroupReadableAndIsReplacedWhenDamaged() throws Exception {
        StateFiles files = new StateFiles(paths(), Optional.empty());
        UUID first = files.deviceId();
        assertThat(new StateFiles(paths(), Optional.empty()).deviceId()).isEqualTo(first);
        assertThat(Files.getPosixFilePermissions(paths().deviceIdFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(paths().deviceIdFile(), "not-a-uuid");
        assertThat(files.deviceId()).isNotEqualTo(first);
    }

    @Test
    void advancedSettingsRoundTripPrivatelyAndFallBackToDefaults() throws Exception {
        StateFiles files = new StateFiles(paths(), Optional.empty());
        assertThat(files.advancedSettings()).isEqualTo(AdvancedSettings.defaults());
        AdvancedSettings custom = new AdvancedSettings(URI.create("https://auth.corp.example/"),
                URI.create("wss://api.corp.example/"), "debug");
        files.saveAdvancedSettings(custom);
        assertThat(files.advancedSettings()).isEqualTo(custom);
        assertThat(Files.getPosixFilePermissions(paths().advancedSettingsFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Files.writeString(paths().advancedSettingsFile(),
                "{\"auth_url\":\"http://evil.example/\",\"api_url\":\"wss://a/\",\"log_filter\":\"info\"}");
        assertThat(files.advancedSettings()).isEqualTo(AdvancedSettings.defaults());
    }

    Path fakeProc(long pid, String exe, String groups) throws IOException {
        Path proc = dir.resolve("proc");
        Path p = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.createSymbolicLink(p.resolve("exe"), Path.of(exe));
        Files.writeString(p.resolve("status"), "Name:\tflint-gui\nUid:\t1000\t1000\t1000\t1000\nGroups:\t" + groups + "\n");
        return proc;
    }

    @Test
    void peerPolicyAdmitsGroupMembersRunningTheInstalledGui() throws Exception {
        Path proc = fakeProc(42, PeerPolicy.INSTALLED_GUI.toString(), "24 998 1000");
        PeerPolicy policy = new PeerPolicy(Optional.of(998L), Optional.of(PeerPolicy.INSTALLED_GUI), proc);
        assertThat(policy.check(new PeerCredentials(1000, 1000, OptionalLong.of(42)))).isEmpty();
        assertThat(policy.check(new PeerCredentials(1000, 998, OptionalLong.empty()))).isEmpty();
        assertThat(policy.check(new PeerCredentials(1001, 1001, OptionalLong.empty()))).get().asString()
                .contains("user 1001 is not in the flint-client group");
        assertThat(policy.check(new PeerIdentity.Unknown())).isPresent();
    }

    @Test
    void peerPolicyRefusesAnotherExecutableUnlessAllowed() throws Exception {
        Path proc = fakeProc(43, "/usr/bin/python3", "998");
        PeerPolicy strict = new PeerPolicy(Optional.of(998L), Optional.of(PeerPolicy.INSTALLED_GUI), proc);
        assertThat(strict.check(new PeerCredentials(0, 0, OptionalLong.of(43)))).get().asString()
                .contains("/usr/bin/python3");
        PeerPolicy development = new PeerPolicy(Optional.of(998L), Optional.empty(), proc);
        assertThat(development.check(new PeerCredentials(1000, 1000, OptionalLong.of(43)))).isEmpty();
        PeerPolicy noGroup = new PeerPolicy(Optional.empty(), Optional.empty(), proc);
        assertThat(noGroup.check(new PeerCredentials(1000, 998, OptionalLong.of(43)))).get().asString()
                .contains("only root");
    }

    @Test
    void groupIdComesFromEtcGroup() throws Exception {
        Path group = dir.resolve("group");
        Files.writeString(group, "root:x:0:\nflint-client:x:998:alice,bob\n");
        assertThat(PeerPolicy.groupId(group, "flint-client")).contains(998L);
        assertThat(PeerPolicy.groupId(group, "wheel")).isEmpty();
    }

    @Test
    void staticInterfaceFileParsesAndNamesItsBadLine() throws Exception {
        Path file = dir.resolve("iface.conf");
        Files.writeString(file, """
                # comment
                address = 100.64.0.7
                address = fd00::7
                route = 10.0.0.0/8   # trailing comment
                dns = 100.100.111.1
                search = corp.example
                """);
        InterfaceConfig config = InterfaceConfig.read(file);
        assertThat(config.ipv4()).contains((java.net.Inet4Address) InetAddress.getByName("100.64.0.7"));
        assertThat(config.ipv6()).isPresent();
        assertThat(config.routes()).containsExactly(Cidr.parse("10.0.0.0/8"));
        assertThat(config.dnsServers()).containsExactly(InetAddress.getByName("100.100.111.1"));
        assertThat(config.searchDomain()).contains("corp.example");

        Files.writeString(file, "address = 100.64.0.7\nroute = 10.0.0.0/33\n");
        assertThatThrownBy(() -> InterfaceConfig.read(file)).hasMessageContaining("line 2");
        Files.writeString(file, "route = example.com/8\n");
        assertThatThrownBy(() -> InterfaceConfig.read(file)).hasMessageContaining("line 1");
    }

    @Test
    void commandLineFlagsAndEnvironment() {
        ServiceCommand.Options options = ServiceCommand.parse("run", List.of("--state-dir", "/s", "--runtime-dir", "/r",
                "--log-dir", "/l", "--allow-any-peer-exe", "--interface", "tun-x"), Map.of("FLINT_DNS_CONTROL", "disabled"));
        assertThat(options.paths().socket()).isEqualTo(Path.of("/r/tunnel.sock"));
        assertThat(options.paths().cleanupJournal().getParent()).isEqualTo(Path.of("/s"));
        assertThat(options.dnsMode()).isEqualTo(DnsMode.DISABLED);
        assertThat(options.allowAnyPeerExe()).isTrue();
        assertThat(options.interfaceName()).isEqualTo("tun-x");
        assertThat(ServiceCommand.parse("run", List.of(), Map.of()).paths().socket())
                .isEqualTo(Path.of("/run/dev.flint.client/tunnel.sock"));
        assertThatThrownBy(() -> ServiceCommand.parse("run", List.of("--dns-control", "magic"), Map.of()))
                .hasMessageContaining("systemd-resolved, etc-resolv-conf or disabled");
        assertThatThrownBy(() -> ServiceCommand.parse("run", List.of("--frobnicate"), Map.of()))
                .hasMessageContaining("--frobnicate");
    }
}
