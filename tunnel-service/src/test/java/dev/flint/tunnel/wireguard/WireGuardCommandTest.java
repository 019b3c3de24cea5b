package dev.flint.tunnel.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.FlintTunnel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's answers to mistakes: one human sentence, a non-zero status, no stack trace. */
class WireGuardCommandTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return WireGuardCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badConfigNamesFileLineAndProblem() throws Exception {
        Path conf = dir.resolve("wg0.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = " + WgQuickConfigTest.KEY_A + "\nListenPort = lots\n");
        assertThat(run(conf.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("flint-tunnel wireguard: " + conf + ", line 3: ListenPort 'lots' is not a number.\n");
    }

    @Test
    void missingFileAndUsageMistakes() {
        assertThat(run(dir.resolve("nope.conf").toString())).isEqualTo(1);
        assertThat(err()).contains("there is no file").contains("nope.conf");
        err.reset();
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("which configuration file?");
        err.reset();
        assertThat(run("a.conf", "--interface")).isEqualTo(2);
        assertThat(err()).contains("--interface needs a name");
        err.reset();
        assertThat(run("a.conf", "--colour")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--colour'");
        err.reset();
        assertThat(run("a.conf", "b.conf")).isEqualTo(2);
        assertThat(err()).contains("only one configuration file");
        err.reset();
        assertThat(run("a-name-that-is-far-too-long.conf")).isEqualTo(2);
        assertThat(err()).contains("cannot be an interface name");
        err.reset();
        assertThat(run("wg0.conf", "--interface", "bad/name")).isEqualTo(2);
        assertThat(err()).contains("'bad/name' cannot be an interface name");
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: flint-tunnel wireguard CONFIG");
    }

    @Test
    void theRealProgramExitsNonZeroWithoutAStackTrace() throws Exception {
        Path conf = dir.resolve("wg1.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = nonsense\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            FlintTunnel.class.getName(), "wireguard", conf.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output).contains("line 2: PrivateKey is not a WireGuard key").doesNotContain("Exception")
            .doesNotContain("\tat ");
    }
}
