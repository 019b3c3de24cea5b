package dev.flint.scenarios;

import dev.flint.netns.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the tunnel service changes in a machine, as text to compare byte for byte: interfaces, addresses, policy
 * rules and routes of both families (every table), and resolv.conf. Taken before sign-in, it is what must be there
 * again after sign-out, token expiry, {@code kill -9} of the GUI, and {@code kill -9} of the service plus
 * {@code flint-tunnel repair}. The lines of {@code ip}'s listings are sorted (an address that was removed and added
 * again, as roaming does, is listed in another place); each line and resolv.conf are compared exactly.
 */
record OsState(Map<String, String> parts) {

    static OsState of(NetworkNamespace ns) {
        Map<String, String> parts = new LinkedHashMap<>();
        // -o: one line per link without the counters that change with every packet.
        parts.put("links", sorted(ns.ip("-o", "link", "show").replaceAll("\\\\\\s+", " ")));
        parts.put("addresses", sorted(ns.ip("-o", "addr", "show").replaceAll("\\\\\\s+", " ")));
        parts.put("IPv4 rules", sorted(ns.ip("-4", "rule", "show")));
        parts.put("IPv6 rules", sorted(ns.ip("-6", "rule", "show")));
        parts.put("IPv4 routes", sorted(ns.ip("-4", "route", "show", "table", "all")));
        parts.put("IPv6 routes", sorted(ns.ip("-6", "route", "show", "table", "all")));
        try {
            parts.put("resolv.conf", Files.readString(Path.of("/etc/netns", ns.name(), "resolv.conf"),
                StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OsState(Map.copyOf(parts));
    }

    private static String sorted(String listing) {
        return listing.lines().sorted().collect(java.util.stream.Collectors.joining("\n"));
    }

    /** A sentence per part that differs from {@code before}, empty when everything is as it was. */
    String differencesFrom(OsState before) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : before.parts().entrySet()) {
            String now = parts.get(e.getKey());
            if (!e.getValue().equals(now)) {
                out.append(e.getKey()).append(" differ; before:\n").append(e.getValue().indent(4))
                    .append("now:\n").append(String.valueOf(now).indent(4));
            }
        }
        return out.toString();
    }
}
