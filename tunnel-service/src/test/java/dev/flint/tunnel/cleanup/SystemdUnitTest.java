package dev.flint.tunnel.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit repairs after the service whatever ended it: {@code ExecStopPost=} runs {@code flint-tunnel
 * repair}, and systemd itself accepts the unit ({@code systemd-analyze verify}, with the installed launcher path
 * pointed at a stand-in so the check does not need the package installed).
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("..", "packaging", "src", "linux", "flint-tunnel.service");

    @TempDir
    Path dir;

    @Test
    void theUnitRunsTheRepairAfterEveryStop() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains("ExecStart=/usr/bin/flint-tunnel run", "ExecStopPost=/usr/bin/flint-tunnel repair");
    }

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start().waitFor() == 0,
            "needs systemd-analyze");
        Path launcher = dir.resolve("flint-tunnel");
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path unit = dir.resolve("flint-tunnel.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/flint-tunnel", launcher.toString()));
        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true)
            .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(l -> l.contains("flint-tunnel.service")).toList()).as(output).isEmpty();
    }
}
