package dev.flint.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Builds the .deb and .rpm from the app image this build made, installs the .deb into a clean
 * Debian root and checks it (packaging/src/linux/verify-deb.sh says what is checked).
 */
@Tag("privileged")
class InstallerIT {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path LINUX = MODULE.resolve("src/linux");

    @Test
    void debInstallsIntoACleanDebianRootAndPurgesWithoutATrace() throws Exception {
        assumeTrue("0".equals(run(null, "id", "-u").strip()), "installing into a chroot needs root");
        Path appImage = MODULE.resolve("target/jpackage/flint-gui");
        assertThat(appImage.resolve("bin/flint-tunnel")).as("the app image was built").exists();
        Path dist = MODULE.resolve("target/dist");
        String version = System.getProperty("flint.packageVersion", "0.1.0");

        run(null, "bash", LINUX.resolve("build-packages.sh").toString(), appImage.toString(), version, dist.toString());
        Path deb = dist.resolve("flint_" + version + "_amd64.deb");
        Path rpm = dist.resolve("flint-" + version + "-1.x86_64.rpm");
        assertThat(deb).exists();

        String report = run(null, "bash", LINUX.resolve("verify-deb.sh").toString(), deb.toString(),
            Files.exists(rpm) ? rpm.toString() : "");
        assertThat(report)
            .contains("purge removed the group and left the root exactly as before the install")
            .contains("the package verified cleanly")
            .doesNotContain("FAIL");
    }

    /** Runs a command, echoes its output, and fails with that output when it exits non-zero. */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        System.out.print(output);
        assertThat(process.waitFor()).as("%s failed:%n%s", String.join(" ", command), output).isZero();
        return output;
    }
}
