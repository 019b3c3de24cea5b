package dev.flint.ipc.logging;

import java.util.Locale;
import java.util.Optional;

/** The levels a log filter directive can name, most verbose first. {@code OFF} silences a logger. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** Parses a level name case-insensitively; {@code warning} is accepted for {@code warn}. */
    public static Optional<LogLevel> fromName(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "trace" -> Optional.of(TRACE);
            case "debug" -> Optional.of(DEBUG);
            case "info" -> Optional.of(INFO);
            case "warn", "warning" -> Optional.of(WARN);
            case "error" -> Optional.of(ERROR);
            case "off" -> Optional.of(OFF);
            default -> Optional.empty();
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
