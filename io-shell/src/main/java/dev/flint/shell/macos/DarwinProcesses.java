package dev.flint.shell.macos;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The executable a process runs, from the kernel's process table ({@code proc_pidpath}). Not yet run on macOS. */
public final class DarwinProcesses {
    /** {@code PROC_PIDPATHINFO_MAXSIZE}. */
    static final int MAX_PATH = 4 * 1024;

    private DarwinProcesses() {
    }

    /** The absolute path of process {@code pid}'s executable, or empty when the process is gone. */
    public static Optional<String> executable(long pid) {
        byte[] buffer = new byte[MAX_PATH];
        int n = DarwinLibc.c().proc_pidpath((int) pid, buffer, buffer.length);
        return n <= 0 ? Optional.empty() : Optional.of(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
}
