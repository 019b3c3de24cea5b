package dev.flint.tunnel.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.dns.DnsMode;
import dev.flint.tunnel.dns.ResolvConfDns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flint-tunnel repair} as systemd's ExecStopPost runs it, with a fake link remover and socket table. */
class RepairCommandTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int repair(Path journal, Path socket, Repair.LinkRemover links, Path procNetUnix) {
        return RepairCommand.run(journal, socket, "tun-flint", links, procNetUnix,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    Path unixTable(String path, String flags) throws Exception {
        return Files.writeString(dir.resolve("unix"), """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 %s 0001 01 31337 %s
            """.formatted(flags, path));
    }

    @Test
    void afterAKilledServiceItRestoresResolvConfByteForByteAndRemovesDeviceAndRules() throws Exception {
        Path resolv = dir.resolve("resolv.conf");
        byte[] original = "# the machine's own\nnameserver 192.0.2.1\nsearch home.example\n".getBytes();
        Files.write(resolv, original);
        Path backup = dir.resolve("state/resolv.conf.before-flint");
        new ResolvConfDns(resolv, backup).activate("tun-flint", List.of(InetAddress.ofLiteral("100.100.111.1")),
            Optional.empty());
        Path journal = dir.resolve("state/cleanup-journal.json");
        new CleanupJournal("tun-flint", DnsMode.ETC_RESOLV_CONF, Optional.of(resolv), Optional.of(backup))
            .write(journal);
        List<String> removed = new ArrayList<>();

        int code = repair(journal, dir.resolve("run/tunnel.sock"), name -> removed.add(name),
            unixTable(dir.resolve("run/other.sock").toString(), "00010000"));

        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(resolv)).isEqualTo(original);
        assertThat(removed).as("the journal's device, then the configured one (rules with it)")
            .containsExactly("tun-flint", "tun-flint");
        assertThat(journal).doesNotExist();
        assertThat(out.toString()).contains("repaired what the previous service run left");
    }

    @Test
    void withNothingLeftItSaysSoAndStillRemovesStrayRules() throws Exception {
        List<String> removed = new ArrayList<>();
        assertThat(repair(dir.resolve("none.json"), dir.resolve("tunnel.sock"), name -> removed.add(name) && false,
            dir.resolve("no-such-table"))).isZero();
        assertThat(removed).containsExactly("tun-flint");
        assertThat(out.toString()).contains("nothing to repair");
    }

    @Test
    void itRefusesWhileAServiceListensOnTheSocket() throws Exception {
        Path socket = dir.resolve("run/tunnel.sock");
        List<String> removed = new ArrayList<>();
        assertThat(repair(dir.resolve("none.json"), socket, name -> removed.add(name),
            unixTable(socket.toString(), "00010000"))).isEqualTo(1);
        assertThat(removed).isEmpty();
        assertThat(err.toString()).contains("the tunnel service is running").contains("stop it first");
        // A connected (not listening) socket of that name is not a service.
        assertThat(RepairCommand.isListening(unixTable(socket.toString(), "00000000"), socket)).isFalse();
    }

    @Test
    void aFailureIsSaidAndTheExitCodeTellsSystemd() throws Exception {
        assertThat(repair(dir.resolve("none.json"), dir.resolve("tunnel.sock"), name -> {
            throw new java.io.IOException("Operation not permitted");
        }, dir.resolve("no-such-table"))).isEqualTo(1);
        assertThat(err.toString()).contains("Could not remove tun-flint").contains("Operation not permitted");
    }
}
