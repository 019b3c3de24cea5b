package dev.flint.tunnel.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairTest {
    @TempDir
    Path dir;

    @Test
    void journalRoundTripsAndIsPrivate() throws Exception {
        Path file = dir.resolve("state/journal.json");
        CleanupJournal journal = new CleanupJournal("tun-flint", DnsMode.ETC_RESOLV_CONF,
                Optional.of(Path.of("/etc/resolv.conf")), Optional.of(Path.of("/var/lib/x/backup")));
        journal.write(file);
        assertThat(CleanupJournal.read(file)).contains(journal);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(CleanupJournal.read(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void repairRestoresDnsRemovesTheLinkAndDeletesTheJournal() throws Exception {
        Path resolv = dir.resolve("resolv.conf");
        byte[] original = "nameserver 192.0.2.1\n".getBytes();
        Files.write(resolv, original);
        Path backup = dir.resolve("backup");
        new ResolvConfDns(resolv, backup).activate("tun-flint", List.of(InetAddress.getByName("100.100.111.1")),
                Optional.empty());
        Path file = dir.resolve("journal.json");
        new CleanupJournal("tun-flint", DnsMode.ETC_RESOLV_CONF, Optional.of(resolv), Optional.of(backup)).write(file);

        List<String> removed = new ArrayList<>();
        assertThat(new Repair(file, name -> removed.add(name)).run()).isEmpty();
        assertThat(Files.readAllBytes(resolv)).isEqualTo(original);
        assertThat(removed).containsExactly("tun-flint");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void aFailedStepKeepsTheJournalForTheNextTry() throws Exception {
        Path file = dir.resolve("journal.json");
        new CleanupJournal("tun-flint", DnsMode.DISABLED, Optional.empty(), Optional.empty()).write(file);
        List<String> failures = new Repair(file, name -> {
            throw new IOException("Operation not permitted");
        }).run();
        assertThat(failures).singleElement().asString().contains("tun-flint").contains("Operation not permitted");
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void aDamagedJournalIsReportedNotThrown() throws Exception {
        Path file = dir.resolve("journal.json");
        Files.writeString(file, "{\"dns_mode\": 3");
        assertThat(new Repair(file, name -> false).run()).singleElement().asString()
                .startsWith("Could not read the cleanup journal");
    }
}
