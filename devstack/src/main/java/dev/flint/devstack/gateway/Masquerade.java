package dev.flint.devstack.gateway;

import dev.flint.netns.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway changes in its host's forwarding: IP forwarding switched on, and one nftables table of its
 * own that masquerades traffic from the tunnel towards the resource network, so resources answer the gateway and
 * never need a route back to the client tunnel ranges. {@link #close} removes the table and restores forwarding.
 */
final class Masquerade implements AutoCloseable {
    static final String TABLE = "flint_gateway";
    private static final Map<String, Path> FORWARDING = Map.of(
        "IPv4", Path.of("/proc/sys/net/ipv4/ip_forward"),
        "IPv6", Path.of("/proc/sys/net/ipv6/conf/all/forwarding"));

    private final Map<Path, String> restore = new LinkedHashMap<>();
    private boolean closed;

    private Masquerade() {
    }

    /** Switches forwarding on and installs the table; a table left by a killed gateway is replaced. */
    static Masquerade install(String tunInterface) {
        Masquerade m = new Masquerade();
        try {
            for (Path knob : FORWARDING.values()) {
                if (Files.exists(knob)) {
                    String before = Files.readString(knob).strip();
                    if (!before.equals("1")) {
                        Files.writeString(knob, "1");
                        m.restore.put(knob, before);
                    }
                }
            }
        } catch (IOException e) {
            m.close();
            throw new UncheckedIOException("cannot switch on IP forwarding", e);
        }
        removeTable();
        try {
            Command.of("nft", "-f", "-").withStdin(ruleset(tunInterface)).run();
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    static String ruleset(String tunInterface) {
        return """
            table inet %s {
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                iifname "%s" oifname != "%s" masquerade
              }
            }
            """.formatted(TABLE, tunInterface, tunInterface);
    }

    /** Whether the table is there. */
    static boolean tablePresent() {
        return Command.of("nft", "list", "tables").run().lines().anyMatch(l -> l.strip().equals("table inet " + TABLE));
    }

    private static void removeTable() {
        Command.of("nft", "delete", "table", "inet", TABLE).runAllowingFailure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeTable();
        restore.forEach((knob, value) -> {
            try {
                Files.writeString(knob, value);
            } catch (IOException e) {
                // Nothing better to do on the way out: the namespace keeps forwarding on.
            }
        });
    }
}
