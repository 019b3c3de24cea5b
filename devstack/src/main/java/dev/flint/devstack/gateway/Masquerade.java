package dev.flint.devstack.gateway;

import dev.flint.netns.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the gateway needs of its host's forwarding: IP forwarding on, and one nftables table that masquerades
 * traffic from the tunnel towards the resource network, so resources answer the gateway and never need a route back
 * to the client tunnel ranges.
 *
 * <p>It is the host's configuration, as on a Firezone gateway host (its container's NAT), not the process's: the
 * gateway makes sure it is there and never removes it. Removing the last NAT table makes the kernel drop every NAT
 * binding in conntrack, so a server still sending to a client whose gateway restarts (or merely stopped for a moment)
 * would hit the gateway's own address on a port nothing listens on, and the host would reset the flow. The table is
 * written in one transaction that flushes and refills its chain, so an existing one is never gone for an instant;
 * the namespace's removal ({@code flint devstack down}) takes it away.
 */
final class Masquerade {
    static final String TABLE = "flint_gateway";
    private static final List<Path> FORWARDING = List.of(
        Path.of("/proc/sys/net/ipv4/ip_forward"), Path.of("/proc/sys/net/ipv6/conf/all/forwarding"));

    private Masquerade() {
    }

    /** Switches forwarding on and writes the table, keeping the one a previous gateway left (and its bindings). */
    static void ensure(String tunInterface) {
        try {
            for (Path knob : FORWARDING) {
                if (Files.exists(knob) && !Files.readString(knob).strip().equals("1")) {
                    Files.writeString(knob, "1");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot switch on IP forwarding", e);
        }
        Command.of("nft", "-f", "-").withStdin(ruleset(tunInterface)).run();
    }

    static String ruleset(String tunInterface) {
        return """
            add table inet %1$s
            add chain inet %1$s postrouting { type nat hook postrouting priority srcnat; policy accept; }
            flush chain inet %1$s postrouting
            add rule inet %1$s postrouting iifname "%2$s" oifname != "%2$s" masquerade
            """.formatted(TABLE, tunInterface);
    }

    /** Whether the table is there. */
    static boolean tablePresent() {
        return Command.of("nft", "list", "tables").run().lines().anyMatch(l -> l.strip().equals("table inet " + TABLE));
    }
}
