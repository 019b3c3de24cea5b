package dev.flint.ipc.logging;

import java.nio.file.Path;

/**
 * Where and how much a process logs. Files rotate by size: {@code <base>.log} is the active file,
 * {@code <base>.1.log} the newest archive and so on. The number of files is
 * {@code totalCapBytes / maxFileBytes}, so the directory never holds more than the cap (plus at
 * most one log event, written just before a rotation).
 */
public record LogSettings(Path directory, String fileBaseName, long maxFileBytes, long totalCapBytes,
                          boolean console, LogFilter filter) {
    public static final long DEFAULT_MAX_FILE_BYTES = 10L << 20;
    public static final long DEFAULT_TOTAL_CAP_BYTES = 50L << 20;
    /** Logback's fixed-window rolling keeps at most 20 archives. */
    static final int MAX_FILES = 21;

    public LogSettings {
        if (!fileBaseName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Bad log file base name: " + fileBaseName);
        }
        if (maxFileBytes < 1 || totalCapBytes < maxFileBytes) {
            throw new IllegalArgumentException("Need 0 < maxFileBytes <= totalCapBytes, got " + maxFileBytes + " / " + totalCapBytes);
        }
        if (totalCapBytes / maxFileBytes > MAX_FILES) {
            throw new IllegalArgumentException("At most " + MAX_FILES + " files: raise maxFileBytes or lower totalCapBytes");
        }
    }

    /** 5 files of 10 MiB (50 MiB in all), no console, level info. */
    public static LogSettings defaults(Path directory, String fileBaseName) {
        return new LogSettings(directory, fileBaseName, DEFAULT_MAX_FILE_BYTES, DEFAULT_TOTAL_CAP_BYTES, false, LogFilter.INFO);
    }

    public LogSettings withConsole(boolean enabled) {
        return new LogSettings(directory, fileBaseName, maxFileBytes, totalCapBytes, enabled, filter);
    }

    public LogSettings withFilter(LogFilter newFilter) {
        return new LogSettings(directory, fileBaseName, maxFileBytes, totalCapBytes, console, newFilter);
    }

    public LogSettings withSizes(long fileBytes, long capBytes) {
        return new LogSettings(directory, fileBaseName, fileBytes, capBytes, console, filter);
    }

    /** How many files (active + archives) rotation keeps. */
    public int fileCount() {
        return (int) (totalCapBytes / maxFileBytes);
    }

    public Path activeFile() {
        return directory.resolve(fileBaseName + ".log");
    }
}
