package dev.flint.ipc.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures logback in code (no XML), replacing whatever configuration it had: a size-rotated
 * file and optionally the console (for journald, hence no timestamp there).
 */
public final class LogSetup {
    static final String FILE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{36} [%thread] %msg%n";
    static final String CONSOLE_PATTERN = "%-5level %logger{36} [%thread] %msg%n";

    private LogSetup() {}

    public static LogControl install(LogSettings settings) throws IOException {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("SLF4J is not bound to logback but to " + factory.getClass().getName());
        }
        if (!Files.isDirectory(settings.directory())) {
            // Windows has no POSIX modes: the directory inherits its parent's ACL there.
            if (settings.directory().getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(settings.directory(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            } else {
                Files.createDirectories(settings.directory());
            }
        }
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        RollingFileAppender<ILoggingEvent> file = rollingFile(context, settings);
        root.addAppender(file);
        if (settings.console()) {
            root.addAppender(console(context));
        }
        return new LogControl(context, settings, file);
    }

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, LogSettings settings) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(settings.activeFile().toString());

        int files = settings.fileCount();
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(settings.directory().resolve(settings.fileBaseName() + ".%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(Math.max(1, files - 1));

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(new FileSize(settings.maxFileBytes()));
        // Check the size on every event: the default gate checks at most every 60 s, which lets a
        // burst overshoot the cap by any amount.
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0));

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder(context, FILE_PATTERN));
        rolling.start();
        trigger.start();
        appender.start();
        return appender;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("console");
        appender.setEncoder(encoder(context, CONSOLE_PATTERN));
        appender.start();
        return appender;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
