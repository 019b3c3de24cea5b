package dev.flint.devstack.topology;

import dev.flint.netns.Created;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RunPrefix;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code flint devstack up} built, saved as a properties file (mode 0600: it holds the relay secret) so that
 * {@code status} and {@code down} work from another process, and so the demo can find the namespaces.
 */
public record DevstackState(RunPrefix prefix, NatType clientNat, NatType gatewayNat, boolean resourcesRouted,
        boolean ipv6, String relaySecret, Instant createdAt, List<Created> created) {

    public DevstackState {
        created = List.copyOf(created);
    }

    /** The namespace that plays {@code role}. */
    public NetworkNamespace namespace(Role role) {
        return NetworkNamespace.existing(prefix.name(role.shortName()));
    }

    /** The namespaces this topology has (a second relay only when it was built with one). */
    public Map<Role, NetworkNamespace> namespaces() {
        Map<Role, NetworkNamespace> result = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            if (role != Role.RELAY2 || hasSecondRelay()) {
                result.put(role, namespace(role));
            }
        }
        return result;
    }

    /** Whether the topology was built with a second relay (its namespace was recorded). */
    public boolean hasSecondRelay() {
        String name = prefix.name(Role.RELAY2.shortName());
        return created.stream().anyMatch(c -> c instanceof Created.Namespace(String n) && n.equals(name));
    }

    /** The recorded processes, by label. */
    public List<Created.Process> processes() {
        return created.stream().filter(Created.Process.class::isInstance).map(Created.Process.class::cast).toList();
    }

    public Optional<Created.Process> process(String label) {
        return processes().stream().filter(p -> p.label().equals(label)).findFirst();
    }

    public Path runDirectory() {
        return dev.flint.netns.Topology.RUN_ROOT.resolve(prefix.value());
    }

    public void save(Path file) {
        Properties properties = new Properties();
        properties.setProperty("prefix", prefix.value());
        properties.setProperty("nat.client", clientNat.label());
        properties.setProperty("nat.gateway", gatewayNat.label());
        properties.setProperty("resources.routed", Boolean.toString(resourcesRouted));
        properties.setProperty("ipv6", Boolean.toString(ipv6));
        properties.setProperty("relay.secret", relaySecret);
        properties.setProperty("created.at", createdAt.toString());
        for (int i = 0; i < created.size(); i++) {
            properties.setProperty("created." + i, encode(created.get(i)));
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(temp)) {
                properties.store(writer, "flint devstack state; remove with ./flint devstack down");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The state in {@code file}, or empty when there is none. */
    public static Optional<DevstackState> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Created> created = new ArrayList<>();
        for (int i = 0; properties.containsKey("created." + i); i++) {
            created.add(decode(properties.getProperty("created." + i)));
        }
        return Optional.of(new DevstackState(new RunPrefix(properties.getProperty("prefix")),
            NatType.parse(properties.getProperty("nat.client")), NatType.parse(properties.getProperty("nat.gateway")),
            Boolean.parseBoolean(properties.getProperty("resources.routed")),
            Boolean.parseBoolean(properties.getProperty("ipv6")), properties.getProperty("relay.secret"),
            Instant.parse(properties.getProperty("created.at")), created));
    }

    private static String encode(Created created) {
        return switch (created) {
            case Created.Namespace(String name) -> "namespace\t" + name;
            case Created.Process(String label, String namespace, long pid, Instant startedAt) ->
                "process\t" + label + "\t" + namespace + "\t" + pid + "\t" + (startedAt == null ? "-" : startedAt);
            case Created.Directory(Path path) -> "directory\t" + path;
            case Created.File(Path path) -> "file\t" + path;
        };
    }

    private static Created decode(String line) {
        String[] f = line.split("\t");
        return switch (f[0]) {
            case "namespace" -> new Created.Namespace(f[1]);
            case "process" -> new Created.Process(f[1], f[2], Long.parseLong(f[3]),
                f[4].equals("-") ? null : Instant.parse(f[4]));
            case "directory" -> new Created.Directory(Path.of(f[1]));
            case "file" -> new Created.File(Path.of(f[1]));
            default -> throw new IllegalArgumentException("unknown state entry: " + line);
        };
    }
}
