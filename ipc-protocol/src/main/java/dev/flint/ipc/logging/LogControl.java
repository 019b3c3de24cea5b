package dev.flint.ipc.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The running logging set-up of a process: change the filter while running (the "log filter"
 * advanced setting), clear the files (the "Clear logs" action), shut down at exit.
 */
public final class LogControl implements AutoCloseable {
    private final LoggerContext context;
    private final LogSettings settings;
    private final RollingFileAppender<ILoggingEvent> fileAppender;
    private final Set<String> tunedLoggers = new HashSet<>();
    private LogFilter current;

    LogControl(LoggerContext context, LogSettings settings, RollingFileAppender<ILoggingEvent> fileAppender) {
        this.context = context;
        this.settings = settings;
        this.fileAppender = fileAppender;
        apply(settings.filter());
    }

    /** Parses {@code text} and applies it if valid; an invalid filter changes nothing. */
    public synchronized LogFilterParse applyFilter(String text) {
        LogFilterParse parse = LogFilter.parse(text);
        if (parse instanceof LogFilterParse.Valid(LogFilter filter)) {
            apply(filter);
        }
        return parse;
    }

    /** Replaces the whole filter: loggers the previous filter named go back to inheriting. */
    public synchronized void apply(LogFilter filter) {
        for (String name : tunedLoggers) {
            context.getLogger(name).setLevel(null);
        }
        tunedLoggers.clear();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(toLogback(filter.defaultLevel()));
        filter.loggerLevels().forEach((name, level) -> {
            context.getLogger(name).setLevel(toLogback(level));
            tunedLoggers.add(name);
        });
        current = filter;
    }

    public synchronized LogFilter currentFilter() {
        return current;
    }

    public LogSettings settings() {
        return settings;
    }

    public Path activeFile() {
        return settings.activeFile();
    }

    /**
     * Deletes this process's log files and starts a fresh active file. The appender is stopped
     * meanwhile, so no event is written into a deleted file (events in that instant are dropped).
     */
    public synchronized void clear() throws IOException {
        fileAppender.stop();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.directory(), settings.fileBaseName() + "*.log")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } finally {
            // Stopping the appender stopped its policies too; it refuses to start without them.
            fileAppender.getRollingPolicy().start();
            fileAppender.getTriggeringPolicy().start();
            fileAppender.start();
        }
    }

    /** Total bytes of this process's log files. */
    public long totalBytes() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.directory(), settings.fileBaseName() + "*.log")) {
            for (Path file : files) {
                total += Files.size(file);
            }
        }
        return total;
    }

    /** Flushes and closes the files. */
    @Override
    public void close() {
        context.stop();
    }

    static Level toLogback(LogLevel level) {
        return switch (level) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR -> Level.ERROR;
            case OFF -> Level.OFF;
        };
    }
}
