package dev.flint.tunnel.wireguard;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flint-tunnel wireguard CONFIG [--interface NAME]}: runs a plain WireGuard interface until
 * SIGTERM or SIGINT, then removes it. Problems are reported as sentences, never stack traces.
 */
public final class WireGuardCommand {

    static final String USAGE = "Usage: flint-tunnel wireguard CONFIG [--interface NAME]";

    private WireGuardCommand() {
    }

    /**
     * Where relative paths are meant from: the launcher changes into the project directory before
     * starting Java, so it passes the caller's directory in {@code FLINT_CALLER_DIR}.
     */
    static Path callerDirectory() {
        String dir = System.getenv("FLINT_CALLER_DIR");
        return dir == null || dir.isBlank() ? Path.of("").toAbsolutePath() : Path.of(dir);
    }

    /** Runs the command; returns the exit status for a problem, or blocks until the interface is stopped. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Path configPath = null;
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--interface") || a.equals("-i")) {
                if (i + 1 >= args.size()) {
                    err.println("flint-tunnel wireguard: --interface needs a name.");
                    return 2;
                }
                name = args.get(++i);
            } else if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else if (a.startsWith("-")) {
                err.println("flint-tunnel wireguard: unknown option '" + a + "'.");
                err.println(USAGE);
                return 2;
            } else if (configPath == null) {
                configPath = callerDirectory().resolve(a);
            } else {
                err.println("flint-tunnel wireguard: only one configuration file, please ('" + a + "' is extra).");
                return 2;
            }
        }
        if (configPath == null) {
            err.println("flint-tunnel wireguard: which configuration file? " + USAGE);
            return 2;
        }
        if (name == null) {
            name = configPath.getFileName().toString().replaceFirst("\\.conf$", "");
        }
        if (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_=+.-]+")) {
            err.println("flint-tunnel wireguard: '" + name + "' cannot be an interface name (1 to 15 of "
                + "letters, digits and _=+.-); choose one with --interface.");
            return 2;
        }
        String text;
        try {
            text = Files.readString(configPath, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("flint-tunnel wireguard: there is no file " + configPath + ".");
            return 1;
        } catch (MalformedInputException e) {
            err.println("flint-tunnel wireguard: " + configPath + " is not a text file.");
            return 1;
        } catch (IOException e) {
            err.println("flint-tunnel wireguard: cannot read " + configPath + ": " + e.getMessage());
            return 1;
        }
        WgQuickConfig config;
        switch (WgQuickConfig.parse(text)) {
            case WgQuickConfig.Parsed.Valid v -> config = v.config();
            case WgQuickConfig.Parsed.Invalid bad -> {
                err.println("flint-tunnel wireguard: " + configPath + ", " + bad.message() + ".");
                return 1;
            }
        }
        PlainWireGuard device;
        UapiServer uapi;
        try {
            device = PlainWireGuard.start(config, name);
        } catch (IOException | RuntimeException e) {
            err.println("flint-tunnel wireguard: cannot bring up " + name + ": " + e.getMessage() + ".");
            return 1;
        }
        try {
            uapi = UapiServer.start(device);
        } catch (IOException | RuntimeException e) {
            device.close();
            err.println("flint-tunnel wireguard: cannot serve the wg tool's socket for " + name + ": "
                + e.getMessage() + ".");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            uapi.close();
            device.close();
            stopped.countDown();
        }, "wg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("flint-tunnel wireguard: " + name + " is up (UDP port " + device.listenPort() + ", MTU "
            + device.mtu() + ", " + config.peers().size() + " peer" + (config.peers().size() == 1 ? "" : "s")
            + "); stop with SIGTERM or Ctrl-C.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
