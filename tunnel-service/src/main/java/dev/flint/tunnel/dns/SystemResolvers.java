package dev.flint.tunnel.dns;

import dev.flint.connlib.net.InetLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the system's resolvers from {@code resolv.conf} text or {@code resolvectl dns} output. */
public final class SystemResolvers {
    private SystemResolvers() {
    }

    /** The {@code nameserver} lines of {@code file}; empty when it cannot be read. */
    public static List<InetAddress> fromResolvConf(Path file) {
        try {
            return parseResolvConf(Files.readString(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<InetAddress> parseResolvConf(String text) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String line : text.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                literal(words[1]).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Parses {@code resolvectl dns}: {@code Global: a b} and {@code Link 2 (eth0): a b} lines; the link
     * named {@code skipLink} (the tunnel's own) is left out, as are scoped addresses like {@code fe80::1%eth0}.
     */
    public static List<InetAddress> fromResolvectl(String output, String skipLink) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String line : output.lines().toList()) {
            int colon = line.indexOf("):");
            int start;
            if (line.startsWith("Global:")) {
                start = "Global:".length();
            } else if (line.startsWith("Link ") && colon > 0) {
                if (skipLink != null && line.substring(0, colon).endsWith("(" + skipLink)) {
                    continue;
                }
                start = colon + 2;
            } else {
                continue;
            }
            for (String word : line.substring(start).strip().split("\\s+")) {
                literal(word).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    private static Optional<InetAddress> literal(String word) {
        return Optional.ofNullable(InetLiteral.parse(word));
    }
}
