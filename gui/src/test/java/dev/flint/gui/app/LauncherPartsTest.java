package dev.flint.gui.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherPartsTest {

    @TempDir
    Path dir;

    @Test
    void optionsParse() {
        var o = Options.parse(List.of("--service-socket", "/tmp/s.sock", "--data-dir", "/tmp/d", "--no-deep-links"), Map.of());
        assertThat(o.command()).isEqualTo(Options.Command.RUN);
        assertThat(o.serviceSocket()).isEqualTo(Path.of("/tmp/s.sock"));
        assertThat(o.dataDir()).contains(Path.of("/tmp/d"));
        assertThat(o.registerDeepLinks()).isFalse();
        assertThat(Options.parse(List.of("open-deep-link", "firezone-fd0020211111://x"), Map.of()).deepLink())
                .contains("firezone-fd0020211111://x");
        assertThat(Options.parse(List.of(), Map.of("FLINT_TUNNEL_SOCKET", "/e.sock")).serviceSocket()).isEqualTo(Path.of("/e.sock"));
        assertThat(Options.parse(List.of(), Map.of()).serviceSocket()).isEqualTo(Options.DEFAULT_SOCKET);
        assertThat(Options.parse(List.of("--bogus"), Map.of()).error()).contains("unknown argument '--bogus'");
        assertThat(Options.parse(List.of("open-deep-link"), Map.of()).error()).contains("open-deep-link needs a value");
        assertThat(Launcher.run(List.of("--version"), Map.of())).isZero();
        assertThat(Launcher.run(List.of("--nope"), Map.of())).isEqualTo(2);
    }

    @Test
    void openDeepLinkWithoutARunningAppFailsWithASentence() {
        assertThat(Launcher.run(List.of("--data-dir", dir.toString(), "open-deep-link",
                "firezone-fd0020211111://handle_client_sign_in_callback?state=x"), Map.of())).isEqualTo(1);
    }

    @Test
    void logPruningDeletesOldestFirstButSparesRecentAndCurrentFiles() throws Exception {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        Path a = log("gui.a.log", 40, now.minus(Duration.ofHours(3)));
        Path b = log("gui.b.log", 40, now.minus(Duration.ofHours(2)));
        Path c = log("gui.c.log", 40, now.minus(Duration.ofMinutes(2)));
        Path d = log("gui.d.log", 40, now.minus(Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("notes.txt"), "kept");
        assertThat(GuiLogging.prune(dir, d, now, 100)).containsExactly(a, b);
        assertThat(Files.exists(c)).isTrue();
        assertThat(Files.exists(dir.resolve("notes.txt"))).isTrue();
        assertThat(GuiLogging.prune(dir, d, now, 1000)).isEmpty();
    }

    private Path log(String name, int bytes, Instant modified) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }
}
