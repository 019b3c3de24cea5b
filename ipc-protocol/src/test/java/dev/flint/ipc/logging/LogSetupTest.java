package dev.flint.ipc.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real logback writing real files in a temporary directory. */
class LogSetupTest {
    @TempDir Path dir;
    private LogControl control;

    @AfterEach
    void stop() {
        if (control != null) {
            control.close();
        }
    }

    private List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("tunnel-service")).sorted().toList();
        }
    }

    @Test
    void filesRotateBySizeAndTheTotalStaysUnderTheCap() throws IOException {
        LogSettings settings = LogSettings.defaults(dir, "tunnel-service").withSizes(2048, 4 * 2048);
        control = LogSetup.install(settings);
        Logger log = LoggerFactory.getLogger("dev.flint.test.rotation");
        String padding = "p".repeat(80);
        int lines = 2000;
        for (int i = 0; i < lines; i++) {
            log.info("line {} {}", i, padding);
        }
        List<String> names = logFiles().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).containsExactly("tunnel-service.1.log", "tunnel-service.2.log", "tunnel-service.3.log", "tunnel-service.log");

        long oneLine = Files.readAllLines(settings.activeFile()).getFirst().length() + 1;
        for (Path file : logFiles()) {
            assertThat(Files.size(file)).as(file.toString()).isLessThanOrEqualTo(2048 + oneLine);
        }
        assertThat(control.totalBytes()).isLessThanOrEqualTo(4 * 2048 + oneLine).isGreaterThan(3 * 2048);

        // The newest lines survive, the oldest were rotated away, and the archives are in order.
        assertThat(Files.readString(settings.activeFile())).contains("line " + (lines - 1) + " ");
        String all = String.join("", Files.readString(dir.resolve("tunnel-service.3.log")), Files.readString(dir.resolve("tunnel-service.2.log")),
                Files.readString(dir.resolve("tunnel-service.1.log")), Files.readString(settings.activeFile()));
        assertThat(all).doesNotContain("line 0 ");
        List<Integer> numbers = all.lines().map(l -> Integer.parseInt(l.replaceAll(".*line (\\d+) .*", "$1"))).toList();
        assertThat(numbers).isSorted();
        assertThat(numbers.getLast() - numbers.getFirst() + 1).as("no line lost inside the window").isEqualTo(numbers.size());
    }

    @Test
    void levelChangesTakeEffectWhileRunning() throws IOException {
        control = LogSetup.install(LogSettings.defaults(dir, "tunnel-service"));
        Logger connlib = LoggerFactory.getLogger("dev.flint.connlib.tunnel");
        Logger other = LoggerFactory.getLogger("dev.flint.gui");

        connlib.debug("hidden-debug-1");
        other.info("visible-info-1");
        assertThat(control.applyFilter("dev.flint.connlib=debug,warn")).isInstanceOf(LogFilterParse.Valid.class);
        connlib.debug("visible-debug-2");
        other.info("hidden-info-2");
        other.warn("visible-warn-2");

        LogFilterParse invalid = control.applyFilter("dev.flint.connlib=chatty");
        assertThat(invalid).isEqualTo(new LogFilterParse.Invalid("dev.flint.connlib=chatty", "\"chatty\" is not a level (trace, debug, info, warn, error, off)"));
        connlib.debug("visible-debug-3");

        assertThat(control.applyFilter("info")).isInstanceOf(LogFilterParse.Valid.class);
        connlib.debug("hidden-debug-4");
        other.info("visible-info-4");

        String text = Files.readString(control.activeFile());
        assertThat(text).contains("visible-info-1", "visible-debug-2", "visible-warn-2", "visible-debug-3", "visible-info-4");
        assertThat(text).doesNotContain("hidden-");
        assertThat(control.currentFilter()).isEqualTo(LogFilter.INFO);
    }

    @Test
    void clearDeletesFilesAndLoggingContinues() throws IOException {
        control = LogSetup.install(LogSettings.defaults(dir, "tunnel-service").withSizes(512, 2048));
        Logger log = LoggerFactory.getLogger("dev.flint.test.clear");
        for (int i = 0; i < 100; i++) {
            log.info("before-clear {}", i);
        }
        assertThat(logFiles()).hasSizeGreaterThan(1);
        control.clear();
        log.info("after-clear");
        assertThat(logFiles()).containsExactly(control.activeFile());
        assertThat(Files.readString(control.activeFile())).contains("after-clear").doesNotContain("before-clear");
    }
}
