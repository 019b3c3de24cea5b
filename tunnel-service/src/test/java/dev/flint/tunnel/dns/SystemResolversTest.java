package dev.flint.tunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemResolversTest {
    @TempDir
    Path dir;

    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void resolvConfNameserversInOrderWithoutDuplicatesOrJunk() throws Exception {
        assertThat(SystemResolvers.parseResolvConf("""
                # comment nameserver 9.9.9.9
                search home.example
                nameserver 192.0.2.53
                nameserver   2001:db8::53
                nameserver fe80::1%eth0
                nameserver not-an-address
                nameserver 192.0.2.53
                """)).containsExactly(ip("192.0.2.53"), ip("2001:db8::53"));
    }

    @Test
    void resolvectlLinksAndGlobalExceptTheTunnel() throws Exception {
        String output = """
                Global: 192.0.2.1
                Link 2 (eth0): 192.0.2.53 2001:db8::53 fe80::1%eth0
                Link 5 (tun-flint): 100.100.111.1 fd00:2021:1111:8000:100:100:111:0
                Link 7 (wlan0):
                """;
        assertThat(SystemResolvers.fromResolvectl(output, "tun-flint"))
                .containsExactly(ip("192.0.2.1"), ip("192.0.2.53"), ip("2001:db8::53"));
    }

    @Test
    void resolvConfModeReportsTheBackupWhileActiveAndTheLiveFileOtherwise() throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        ResolvConfDns dns = new ResolvConfDns(conf, dir.resolve("backup"));
        assertThat(dns.systemResolvers()).containsExactly(ip("192.0.2.53"));
        dns.activate("tun-flint", List.of(ip("100.100.111.1")), Optional.empty());
        assertThat(Files.readString(conf)).contains("nameserver 100.100.111.1");
        assertThat(dns.systemResolvers()).containsExactly(ip("192.0.2.53"));
        // A DHCP client on a new network replaces Flint's file: its servers are what the system uses now.
        Files.writeString(conf, "nameserver 198.51.100.53\n");
        assertThat(dns.systemResolvers()).containsExactly(ip("198.51.100.53"));
    }
}
