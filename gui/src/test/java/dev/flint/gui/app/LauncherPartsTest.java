package dev.flint.gui.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void guiLogsGoToARotatedFileAndFollowTheFilter() throws Exception {
        Path file = GuiLogging.start(dir.resolve("logs"), "info");
        assertThat(file).isEqualTo(dir.resolve("logs/gui.log"));
        var log = org.slf4j.LoggerFactory.getLogger("dev.flint.gui.test");
        log.debug("hidden at info");
        GuiLogging.apply("dev.flint.gui=debug,info");
        log.debug("shown at debug");
        GuiLogging.apply("not a level");
        String text = Files.readString(file);
        assertThat(text).contains("shown at debug").doesNotContain("hidden at info").contains("Ignoring invalid log filter");
    }
}
