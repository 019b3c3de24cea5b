package dev.flint.tunnel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.ipc.transport.PeerCredentials;
import dev.flint.ipc.transport.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pid race: a peer exits while the service reads its executable, and its pid goes to another program (the
 * installed GUI, say). What was read is only believed when the peer still holds its pid afterwards.
 */
class PeerPolicyRaceTest {
    @TempDir
    Path dir;

    Path fakeProc(long pid, long startTicks) throws Exception {
        Path proc = dir.resolve("proc");
        Path p = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.deleteIfExists(p.resolve("exe"));
        Files.createSymbolicLink(p.resolve("exe"), PeerPolicy.INSTALLED_GUI);
        Files.writeString(p.resolve("status"), "Name:\tflint-gui\nGroups:\t998\n");
        // Field 22 (start time) is the 20th after the command name, which may hold spaces and parentheses.
        Files.writeString(p.resolve("stat"), pid + " (flint gui (1)) S" + " 0".repeat(18) + " " + startTicks + " 0 0\n");
        return proc;
    }

    @Test
    void aPeerThatStillHoldsItsPidIsAdmitted() throws Exception {
        Path proc = fakeProc(42, 1000);
        PeerPolicy policy = new PeerPolicy(Optional.of(998L), Optional.of(PeerPolicy.INSTALLED_GUI), proc);
        PeerProcess same = new PeerProcess.StartTime(42, 1000, proc);
        assertThat(policy.check(new PeerCredentials(1000, 1000, OptionalLong.of(42), Optional.of(same)))).isEmpty();
    }

    @Test
    void aPidNowHeldByANewerProcessIsRefusedEvenIfThatProcessIsTheGui() throws Exception {
        Path proc = fakeProc(42, 2000);
        PeerPolicy policy = new PeerPolicy(Optional.of(998L), Optional.of(PeerPolicy.INSTALLED_GUI), proc);
        PeerProcess connected = new PeerProcess.StartTime(42, 1000, proc);
        assertThat(policy.check(new PeerCredentials(1000, 1000, OptionalLong.of(42), Optional.of(connected))))
            .get().asString().contains("exited while it was being checked");
    }
}
