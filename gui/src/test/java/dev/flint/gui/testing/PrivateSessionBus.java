package dev.flint.gui.testing;

import dev.flint.netns.RealTimeWait;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code dbus-daemon --session} private to one test (what {@code dbus-run-session} gives a
 * command), optionally with {@code gnome-keyring-daemon} unlocked on it. Processes are killed on close.
 */
public final class PrivateSessionBus implements AutoCloseable {

    private final Process daemon;
    private final List<Process> others = new ArrayList<>();
    private final String address;
    private final Path home;

    private PrivateSessionBus(Process daemon, String address, Path home) {
        this.daemon = daemon;
        this.address = address;
        this.home = home;
    }

    public static PrivateSessionBus start(Path home) throws IOException {
        Assumptions.assumeTrue(onPath("dbus-daemon"), "dbus-daemon is not installed (apt-get install dbus)");
        Process p = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--print-address=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String addr = reader.readLine();
        if (addr == null || addr.isBlank()) {
            p.destroyForcibly();
            throw new IOException("dbus-daemon printed no address");
        }
        return new PrivateSessionBus(p, addr.strip(), home);
    }

    public String address() {
        return address;
    }

    /** Starts gnome-keyring's Secret Service on this bus with an unlocked login keyring. */
    public void startKeyring() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("gnome-keyring-daemon"), "gnome-keyring is not installed");
        ProcessBuilder pb = new ProcessBuilder("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets");
        env(pb.environment());
        pb.redirectErrorStream(true).redirectOutput(home.resolve("keyring.log").toFile());
        Process k = pb.start();
        others.add(k);
        k.getOutputStream().write("test-password".getBytes(StandardCharsets.UTF_8));
        k.getOutputStream().close();
        long deadline = System.nanoTime() + RealTimeWait.GENEROUS.toNanos();
        while (System.nanoTime() < deadline) {
            if (run("dbus-send", "--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets").contains("boolean true")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("gnome-keyring-daemon did not appear on the bus: " + Files.readString(home.resolve("keyring.log")));
    }

    public void env(Map<String, String> env) {
        env.put("DBUS_SESSION_BUS_ADDRESS", address);
        env.put("HOME", home.toString());
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        env.put("XDG_RUNTIME_DIR", home.toString());
        env.remove("DISPLAY");
    }

    /** Runs a command on this bus and returns its standard output (stderr appended). */
    public String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        env(pb.environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    public String runWithInput(String input, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        env(pb.environment());
        Process p = pb.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    public static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (Process p : others) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        daemon.destroyForcibly();
    }
}
