package dev.flint.gui.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import dev.flint.ipc.logging.LogFilter;
import dev.flint.ipc.logging.LogFilterParse;
import dev.flint.ipc.logging.LogLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The GUI's logs: one file per start, {@code gui.<UTC timestamp>.log}, plus standard error. Old files
 * are pruned oldest-first while the directory holds more than {@link #MAX_TOTAL_BYTES}, sparing the
 * current file and anything younger than five minutes. The level follows the service's log filter.
 */
public final class GuiLogging {

    public static final long MAX_TOTAL_BYTES = 100L * 1000 * 1000;
    static final Duration MIN_AGE = Duration.ofMinutes(5);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    private GuiLogging() {
    }

    /** Starts file logging in {@code dir}; returns the file being written. */
    public static Path start(Path dir, String filter) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("gui." + STAMP.format(Instant.now()) + ".log");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        PatternLayoutEncoder fileEnc = encoder(ctx, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n");
        FileAppender<ILoggingEvent> fileApp = new FileAppender<>();
        fileApp.setContext(ctx);
        fileApp.setName("file");
        fileApp.setFile(file.toString());
        fileApp.setEncoder(fileEnc);
        fileApp.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx, "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n"));
        console.start();
        var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(fileApp);
        root.addAppender(console);
        apply(filter);
        prune(dir, file, Instant.now());
        return file;
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(pattern);
        e.start();
        return e;
    }

    /** Applies a Firezone-style filter ({@code info}, {@code dev.flint=debug,info}); invalid ones are ignored. */
    public static void apply(String filter) {
        if (!(LogFilter.parse(filter) instanceof LogFilterParse.Valid(LogFilter f))) {
            LoggerFactory.getLogger(GuiLogging.class).warn("Ignoring invalid log filter");
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (var logger : ctx.getLoggerList()) {
            if (logger != ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                logger.setLevel(null);
            }
        }
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level(f.defaultLevel()));
        f.loggerLevels().forEach((name, level) -> ctx.getLogger(name).setLevel(level(level)));
    }

    private static Level level(LogLevel l) {
        return switch (l) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR -> Level.ERROR;
            case OFF -> Level.OFF;
        };
    }

    /** Deletes the oldest {@code *.log} files while the total exceeds the cap. Returns what was deleted. */
    public static List<Path> prune(Path dir, Path current, Instant now) throws IOException {
        return prune(dir, current, now, MAX_TOTAL_BYTES);
    }

    static List<Path> prune(Path dir, Path current, Instant now, long maxBytes) throws IOException {
        record Entry(Path path, long size, FileTime modified) {
        }
        List<Entry> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).toList()) {
                files.add(new Entry(p, Files.size(p), Files.getLastModifiedTime(p)));
            }
        }
        long total = files.stream().mapToLong(Entry::size).sum();
        files.sort(Comparator.comparing(Entry::modified));
        List<Path> deleted = new ArrayList<>();
        for (int i = 0; i < files.size() - 1 && total > maxBytes; i++) {
            Entry e = files.get(i);
            if (e.path().equals(current) || e.modified().toInstant().isAfter(now.minus(MIN_AGE))) {
                continue;
            }
            Files.deleteIfExists(e.path());
            total -= e.size();
            deleted.add(e.path());
        }
        return deleted;
    }
}
