package dev.flint.devstack.portal;

import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flint devstack portal}: runs the portal emulator in the foreground until interrupted, reloading the
 * config file when it changes.
 */
public final class PortalMain {

    static final String USAGE = """
        Usage: flint devstack portal [OPTIONS]

          --config FILE          JSON config (default: the bundled devstack-sample.json)
          --listen IP:PORT       override the config's listen address
          --relay-secret SECRET  override the config's relay_secret (coturn's static-auth-secret)
          --devstack             take the relay secret from the running `flint devstack up`
                                 (its state file, default /run/flint-devstack/devstack.state)
          --state FILE           the devstack state file for --devstack
          --print-sample         print the commented sample config and exit
          --mtls IP:PORT CERT KEY CLIENT_CA
                                 also listen with TLS there, requiring a client certificate issued by CLIENT_CA
                                 (the portal's mutual-TLS host); CERT/KEY are the server's PEM certificate and key
          --upstream-doh URL     give every client this DNS-over-HTTPS upstream (repeatable; "Secure DNS")
          --watch-relays         probe the relays every second and tell devices relays_presence when one stops
                                 answering (or answers again), as Firezone's portal knows its connected relays
          --address-book FILE    keep the tunnel addresses and PSK bases given to each device in FILE, so every
                                 device has the same addresses and keys after a restart (`flint devstack up` keeps
                                 it in its run directory); without it addresses are derived from device ids, which
                                 only a collision changes, and keys are new on every start
          --grants FILE          keep the confirmed authorizations in FILE, so a gateway rejoining after a restart
                                 keeps them and their flows (goes with --address-book)
        """;

    private PortalMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        Path file = null;
        String listen = null;
        String relaySecret = null;
        boolean fromDevstack = false;
        Path state = DemoTopology.DEFAULT_STATE;
        List<String> mtls = null;
        List<String> doh = new ArrayList<>();
        Path addressBook = null;
        Path grantBook = null;
        boolean watchRelays = false;
        try {
            while (!rest.isEmpty()) {
                String option = rest.removeFirst();
                switch (option) {
                    case "--config" -> file = Path.of(value(rest, option));
                    case "--listen" -> listen = value(rest, option);
                    case "--relay-secret" -> relaySecret = value(rest, option);
                    case "--devstack" -> fromDevstack = true;
                    case "--state" -> state = Path.of(value(rest, option));
                    case "--address-book" -> addressBook = Path.of(value(rest, option));
                    case "--grants" -> grantBook = Path.of(value(rest, option));
                    case "--watch-relays" -> watchRelays = true;
                    case "--mtls" -> mtls = List.of(value(rest, option), value(rest, option), value(rest, option),
                        value(rest, option));
                    case "--upstream-doh" -> {
                        String url = value(rest, option);
                        if (!url.startsWith("https://")) {
                            throw new IllegalArgumentException("--upstream-doh needs an https:// URL, not '" + url + "'");
                        }
                        doh.add(url);
                    }
                    case "--print-sample" -> {
                        System.out.print(sample());
                        return 0;
                    }
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (fromDevstack) {
                Path stateFile = state;
                relaySecret = DevstackState.load(stateFile).map(DevstackState::relaySecret).orElseThrow(() ->
                    new IllegalArgumentException("no devstack state at " + stateFile + " (run flint devstack up)"));
            }
            PortalConfig config = load(file, listen, relaySecret);
            if ((addressBook == null) != (grantBook == null)) {
                throw new IllegalArgumentException("--address-book and --grants go together: a portal that kept "
                    + "one and forgot the other would hand rejoining devices keys or grants that do not match");
            }
            try (PortalEmulator portal = addressBook == null ? PortalEmulator.start(config)
                : PortalEmulator.start(config, addressBook, grantBook)) {
                if (watchRelays) {
                    portal.watchRelays();
                }
                if (!doh.isEmpty()) {
                    portal.setUpstreamDoh(doh);
                    System.out.println("portal emulator: clients resolve through DNS over HTTPS at " + doh);
                }
                if (mtls != null) {
                    InetSocketAddress bound = portal.listenMutualTls(
                        PortalConfigReader.socketAddress(mtls.get(0), "--mtls"), Path.of(mtls.get(1)),
                        Path.of(mtls.get(2)), Path.of(mtls.get(3)));
                    System.out.println("portal emulator: mutual TLS on " + bound);
                }
                System.out.println("portal emulator: " + portal.baseUri() + " (sign in at " + portal.baseUri()
                    + "<account>?as=gui-client)");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                watch(portal, file, listen, relaySecret, stop);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("flint devstack portal: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("flint devstack portal: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void watch(PortalEmulator portal, Path file, String listen, String relaySecret,
                              CountDownLatch stop) throws InterruptedException {
        FileTime seen = modified(file);
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            FileTime now = modified(file);
            if (now != null && !now.equals(seen)) {
                seen = now;
                try {
                    portal.reload(load(file, listen, relaySecret));
                    System.out.println("portal emulator: reloaded " + file);
                } catch (IOException | IllegalArgumentException e) {
                    System.err.println("portal emulator: keeping the previous config, " + file + ": "
                        + e.getMessage());
                }
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return file == null ? null : Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    static PortalConfig load(Path file, String listen, String relaySecret) throws IOException {
        PortalConfig config = file == null ? PortalConfigReader.parse(sample()) : PortalConfigReader.read(file);
        if (listen != null) {
            config = config.withListen(PortalConfigReader.socketAddress(listen, "--listen"));
        }
        if (relaySecret != null) {
            config = new PortalConfig(config.listen(), config.tokenLifetime(), config.signingSecret(), relaySecret,
                config.relays(), config.accounts());
        }
        return config;
    }

    /** The bundled, commented sample config. */
    public static String sample() {
        try (InputStream in = PortalMain.class.getResourceAsStream("/devstack-sample.json")) {
            if (in == null) {
                throw new IllegalStateException("devstack-sample.json is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(Deque<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.removeFirst();
    }
}
