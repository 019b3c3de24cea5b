package dev.flint.tunnel.cleanup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code flint-tunnel repair}: undoes what a service that is no longer running left in the OS (its cleanup journal:
 * resolv.conf, the tunnel device) and removes Flint's policy routing rules, which outlive the device. systemd runs it
 * as {@code ExecStopPost=} after the service's main process ends for any reason, {@code SIGKILL} included, so a
 * machine whose service is not started again does not keep DNS pointing at a dead stub. It refuses while a service
 * listens on the IPC socket: repairing under a running service would tear its tunnel down.
 */
public final class RepairCommand {

    private RepairCommand() {
    }

    /**
     * Repairs after the service that used {@code journal} and {@code socket}; {@code links} removes the tunnel
     * device by name and the policy rules. Returns the exit code; says what it did on {@code out}, failures on
     * {@code err}.
     */
    public static int run(Path journal, Path socket, String interfaceName, Repair.LinkRemover links,
                          Path procNetUnix, PrintStream out, PrintStream err) {
        if (isListening(procNetUnix, socket)) {
            err.println("flint-tunnel: the tunnel service is running (it listens on " + socket
                + "); it repairs after itself, so stop it first.");
            return 1;
        }
        boolean hadJournal = Files.exists(journal);
        List<String> failures = new ArrayList<>(new Repair(journal, links).run());
        try {
            // Without a journal (a clean stop) this finds nothing; with one the journal's device is gone already.
            if (links.removeIfPresent(interfaceName)) {
                out.println("flint-tunnel: removed the tunnel device " + interfaceName);
            }
        } catch (IOException e) {
            failures.add("Could not remove " + interfaceName + " or the policy routing rules: " + e.getMessage());
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> err.println("flint-tunnel: " + f));
            return 1;
        }
        out.println(hadJournal ? "flint-tunnel: repaired what the previous service run left (DNS, tunnel device,"
            + " policy routing rules)" : "flint-tunnel: nothing to repair");
        return 0;
    }

    /**
     * Whether a socket bound to {@code path} is listening in this network namespace, from the kernel's table of Unix
     * sockets (flag {@code __SO_ACCEPTCON}); unreadable (a sandbox hiding /proc/net) counts as no.
     */
    static boolean isListening(Path procNetUnix, Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procNetUnix, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return false;
        }
        String wanted = path.toAbsolutePath().toString();
        for (String line : lines) {
            // Num RefCount Protocol Flags Type St Inode Path
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 8 && fields[7].equals(wanted)) {
                try {
                    if ((Long.parseLong(fields[3], 16) & 0x10000) != 0) {
                        return true;
                    }
                } catch (NumberFormatException header) {
                    // the header line
                }
            }
        }
        return false;
    }
}
