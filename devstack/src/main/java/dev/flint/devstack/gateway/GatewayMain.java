package dev.flint.devstack.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flint devstack gateway}: runs the gateway in the foreground until SIGTERM or Ctrl-C, then removes its
 * TUN device and nftables table. Progress is printed to stdout in plain sentences.
 */
public final class GatewayMain {
    /**
     * How the devstack starts the gateway's JVM: as the tunnel service's (serial GC, small heap, C2 for the data path,
     * native heap trimmed), so the gateway is no slower than what it is measured against.
     */
    public static final java.util.List<String> JVM_OPTIONS = java.util.List.of("-XX:+UseSerialGC", "-Xms16m",
        "-Xmx96m", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=48m", "-Xss512k",
        "-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=5000");


    static final String USAGE = """
        Usage: flint devstack gateway --api-url ws://HOST:PORT (--token TOKEN | --token-file FILE) [OPTIONS]

          --api-url URL         the portal (ws://, wss://, http:// or https://)
          --token TOKEN         the gateway token from the portal's config
          --token-file FILE     read the token from FILE instead
          --interface NAME      the TUN device to create (default tun-gateway)
          --dns IP              resolve DNS resources through this server (default: the first nameserver
                                in /etc/resolv.conf, which `ip netns exec` makes the namespace's own)

        Runs in the foreground; needs root (TUN, routes, nftables). Stop it with SIGTERM or Ctrl-C.
        """;

    private GatewayMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Parses {@code args} and runs the gateway until the JVM is told to stop; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        Gateway.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("flint devstack gateway: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        if (options == null) {
            out.print(USAGE);
            return 0;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(options, out::println);
        } catch (IOException | RuntimeException e) {
            System.err.println("flint devstack gateway: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            gateway.close();
            out.println("Stopped; " + options.interfaceName() + " is removed (the host keeps forwarding and the "
                + "nftables table " + Masquerade.TABLE + ", so flows through a restarted gateway keep their NAT).");
            out.flush();
            stopped.countDown();
        }, "gateway-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String failure = gateway.failure().join();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            awaitQuietly(stopped);
            return 0;
        }
        gateway.close();
        out.println("Stopped: " + failure);
        return 1;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The options, or null for {@code --help}. */
    static Gateway.Options parse(String... args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        URI apiUrl = null;
        String token = null;
        String iface = "tun-gateway";
        InetAddress dns = null;
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            switch (option) {
                case "--api-url" -> apiUrl = URI.create(value(rest, option));
                case "--token" -> token = value(rest, option);
                case "--token-file" -> {
                    Path file = Path.of(value(rest, option));
                    try {
                        token = Files.readString(file, StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
                    }
                }
                case "--interface" -> iface = value(rest, option);
                case "--dns" -> {
                    String text = value(rest, option);
                    try {
                        dns = InetAddress.ofLiteral(text);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--dns needs an IP address, not '" + text + "'");
                    }
                }
                case "-h", "--help" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (apiUrl == null) {
            throw new IllegalArgumentException("--api-url is required");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("--token or --token-file is required");
        }
        return new Gateway.Options(apiUrl, token, iface, dns);
    }

    private static String value(Deque<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.removeFirst();
    }
}
