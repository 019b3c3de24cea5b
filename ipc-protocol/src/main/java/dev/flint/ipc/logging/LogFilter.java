package dev.flint.ipc.logging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Firezone-style log filter: comma-separated directives, each either a bare level (the default
 * for all loggers) or {@code logger=level}, e.g. {@code dev.flint.connlib=debug,info}. Later
 * directives win over earlier ones for the same logger.
 *
 * <p>Unlike tracing's EnvFilter, a bare word that is not a level is rejected instead of meaning
 * "this target at trace", so a typo such as {@code inof} is reported rather than silently accepted.
 */
public record LogFilter(LogLevel defaultLevel, Map<String, LogLevel> loggerLevels) {
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*([.:]{1,2}[A-Za-z_$][A-Za-z0-9_$-]*)*");

    public static final LogFilter INFO = new LogFilter(LogLevel.INFO, Map.of());

    public LogFilter {
        if (defaultLevel == null) {
            throw new IllegalArgumentException("defaultLevel is null");
        }
        loggerLevels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(loggerLevels));
    }

    public static LogFilterParse parse(String text) {
        if (text == null || text.isBlank()) {
            return new LogFilterParse.Invalid(text == null ? "" : text, "the filter is empty; use a level such as info");
        }
        LogLevel defaultLevel = null;
        Map<String, LogLevel> levels = new LinkedHashMap<>();
        for (String raw : text.split(",", -1)) {
            String directive = raw.strip();
            if (directive.isEmpty()) {
                return new LogFilterParse.Invalid(raw, "empty directive (stray comma?)");
            }
            int eq = directive.indexOf('=');
            if (eq < 0) {
                Optional<LogLevel> level = LogLevel.fromName(directive);
                if (level.isEmpty()) {
                    return new LogFilterParse.Invalid(raw, "not a level (trace, debug, info, warn, error, off); use logger=level for a logger");
                }
                defaultLevel = level.get();
                continue;
            }
            String logger = directive.substring(0, eq).strip();
            String levelName = directive.substring(eq + 1).strip();
            if (!LOGGER_NAME.matcher(logger).matches()) {
                return new LogFilterParse.Invalid(raw, "\"" + logger + "\" is not a logger name");
            }
            Optional<LogLevel> level = LogLevel.fromName(levelName);
            if (level.isEmpty()) {
                return new LogFilterParse.Invalid(raw, "\"" + levelName + "\" is not a level (trace, debug, info, warn, error, off)");
            }
            String javaName = logger.replace("::", ".");
            levels.remove(javaName); // keep insertion order meaning "last written wins"
            levels.put(javaName, level.get());
        }
        return new LogFilterParse.Valid(new LogFilter(defaultLevel == null ? LogLevel.ERROR : defaultLevel, levels));
    }

    /** Renders the filter back to directive syntax (default level last, as users tend to write it). */
    public String directives() {
        List<String> parts = new ArrayList<>();
        loggerLevels.forEach((logger, level) -> parts.add(logger + "=" + level.wireName()));
        parts.add(defaultLevel.wireName());
        return String.join(",", parts);
    }
}
