package dev.flint.netns;

import dev.flint.connlib.net.InetLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * coturn ({@code turnserver}, Debian package {@code coturn}) as the relay: UDP on port 3478 of the given addresses,
 * realm {@code firezone}, TURN REST credentials ({@code --use-auth-secret}), no TLS/DTLS, no CLI, no config file,
 * log on stdout. Its pid file and user database go to the topology's run directory, so nothing is left in /var.
 */
public final class Coturn {

    public static final int PORT = 3478;

    /**
     * What to run: the addresses to listen and relay on (one per family at most), the shared secret, and the
     * relay port range (keep ranges of parallel relays apart only if they share an address; each namespace has its
     * own ports).
     */
    public record Config(List<InetAddress> addresses, String secret, int minRelayPort, int maxRelayPort) {
        public Config {
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(secret);
            if (addresses.isEmpty() || secret.isEmpty() || minRelayPort < 1024 || maxRelayPort < minRelayPort
                    || maxRelayPort > 65535) {
                throw new IllegalArgumentException("bad coturn config " + addresses + " " + minRelayPort + "-"
                    + maxRelayPort);
            }
        }

        public static Config of(String secret, InetAddress... addresses) {
            return new Config(List.of(addresses), secret, 49152, 49999);
        }
    }

    private final Config config;
    private final NamespaceProcess process;

    private Coturn(Config config, NamespaceProcess process) {
        this.config = config;
        this.process = process;
    }

    /** The {@code turnserver} command line for {@code config}, keeping its files in {@code runDirectory}. */
    public static List<String> commandLine(Config config, Path runDirectory, String name) {
        List<String> command = new ArrayList<>(List.of("turnserver", "-n", "--no-cli", "--no-tls", "--no-dtls",
            "--listening-port=" + PORT,
            "--min-port=" + config.minRelayPort(), "--max-port=" + config.maxRelayPort(),
            "--use-auth-secret", "--static-auth-secret=" + config.secret(), "--realm=" + TurnCredentials.REALM,
            "--log-file=stdout", "--simple-log", "--no-software-attribute",
            "--pidfile=" + runDirectory.resolve(name + ".pid"),
            "--userdb=" + runDirectory.resolve(name + ".db")));
        for (InetAddress address : config.addresses()) {
            String text = InetLiteral.format(address);
            command.add("--listening-ip=" + text);
            command.add("--relay-ip=" + text);
        }
        return command;
    }

    /** Starts coturn in {@code namespace} (stopped with the topology) and waits until it listens. */
    public static Coturn start(Topology topology, NetworkNamespace namespace, Config config) {
        NamespaceProcess process = topology.start(namespace, "coturn",
            commandLine(config, topology.runDirectory(), namespace.name() + "-coturn"));
        Coturn coturn = new Coturn(config, process);
        for (int i = 0; i < config.addresses().size(); i++) {
            // Every address: coturn carries on when one of its listeners fails to bind.
            namespace.awaitListening(NetworkNamespace.Transport.UDP, coturn.address(i), RealTimeWait.GENEROUS,
                process);
        }
        return coturn;
    }

    /** Wraps a coturn started some other way (detached, by the demo topology). */
    public static Coturn of(Config config, NamespaceProcess process) {
        return new Coturn(config, process);
    }

    public NamespaceProcess process() {
        return process;
    }

    /** The relay's UDP address in the family of {@code addresses().get(i)}. */
    public InetSocketAddress address(int i) {
        return new InetSocketAddress(config.addresses().get(i), PORT);
    }

    public Config config() {
        return config;
    }

    /** Credentials this relay accepts until {@code expiresAt}. */
    public TurnCredentials credentials(Instant expiresAt, String salt) {
        return TurnCredentials.rest(config.secret(), expiresAt, salt);
    }
}
