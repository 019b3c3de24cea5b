package dev.flint.devstack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One reading of a process's CPU time (user + system, in clock ticks, all threads) and resident memory, from
 * {@code /proc/PID/stat} and {@code /proc/PID/status}.
 */
record ProcStat(long cpuTicks, long rssKb) {

    /** Reads both files of {@code pid} under {@code proc} ({@code /proc} outside tests). */
    static ProcStat read(Path proc, long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            return new ProcStat(cpuTicks(Files.readString(dir.resolve("stat"))),
                rssKb(Files.readString(dir.resolve("status"))));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("process " + pid + " is gone");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage());
        }
    }

    static ProcStat read(long pid) {
        return read(Path.of("/proc"), pid);
    }

    /**
     * utime + stime (fields 14 and 15 of proc(5)). The command name (field 2) may hold spaces and parentheses, so
     * the fields are counted from the last ')'.
     */
    static long cpuTicks(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(stat));
        }
        String[] fields = stat.substring(end + 1).strip().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        if (fields.length < 13) {
            throw new IllegalArgumentException("a /proc/PID/stat line with too few fields: " + abbreviate(stat));
        }
        try {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("utime/stime are not numbers in: " + abbreviate(stat));
        }
    }

    /** The {@code VmRSS:} line of /proc/PID/status in kB; 0 for a process without one (a zombie, a kernel thread). */
    static long rssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected VmRSS line: " + line);
                }
                return Long.parseLong(parts[0]);
            }
        }
        return 0;
    }

    private static String abbreviate(String text) {
        String line = text.strip();
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
}
