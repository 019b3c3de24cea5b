package dev.flint.tunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfDnsTest {
    static final byte[] ORIGINAL = "# odd spacing kept\nnameserver 192.0.2.1\t \noptions edns0\n\n\n".getBytes();

    @TempDir
    Path dir;

    @Test
    void activateRewritesAndDeactivateRestoresByteForByte() throws Exception {
        Path resolv = dir.resolve("resolv.conf");
        Files.write(resolv, ORIGINAL);
        Object inode = Files.readAttributes(resolv, "unix:ino").get("ino");
        ResolvConfDns dns = new ResolvConfDns(resolv, dir.resolve("state/backup"));

        dns.activate("tun-flint", List.of(InetAddress.getByName("100.100.111.1")), Optional.of("corp.example"));
        String active = Files.readString(resolv);
        assertThat(active).startsWith(ResolvConfDns.HEADER).contains("nameserver 100.100.111.1")
                .contains("search corp.example").doesNotContain("192.0.2.1");
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/backup")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        dns.deactivate();
        assertThat(Files.readAllBytes(resolv)).isEqualTo(ORIGINAL);
        // Rewritten in place (bind mounts cannot be renamed over), and the backup is gone.
        assertThat(Files.readAttributes(resolv, "unix:ino").get("ino")).isEqualTo(inode);
        assertThat(Files.exists(dir.resolve("state/backup"))).isFalse();
        dns.deactivate();
        assertThat(Files.readAllBytes(resolv)).isEqualTo(ORIGINAL);
    }

    @Test
    void aSecondProcessRestoresWhatTheFirstRewrote() throws Exception {
        Path resolv = dir.resolve("resolv.conf");
        Files.write(resolv, ORIGINAL);
        Path backup = dir.resolve("backup");
        new ResolvConfDns(resolv, backup).activate("tun-flint", List.of(InetAddress.getByName("100.100.111.1")),
                Optional.empty());
        // A restarted process activating again must not take the rewritten file for the original.
        ResolvConfDns next = new ResolvConfDns(resolv, backup);
        next.activate("tun-flint", List.of(InetAddress.getByName("100.100.111.2")), Optional.empty());
        next.deactivate();
        assertThat(Files.readAllBytes(resolv)).isEqualTo(ORIGINAL);
    }

    @Test
    void refusesASymlinkedResolvConf() throws Exception {
        Path target = dir.resolve("real");
        Files.write(target, ORIGINAL);
        Path link = Files.createSymbolicLink(dir.resolve("resolv.conf"), target);
        assertThatThrownBy(() -> new ResolvConfDns(link, dir.resolve("backup"))
                .activate("tun-flint", List.of(InetAddress.getByName("100.100.111.1")), Optional.empty()))
                .hasMessageContaining("not a regular file");
        assertThat(Files.readAllBytes(target)).isEqualTo(ORIGINAL);
    }
}
