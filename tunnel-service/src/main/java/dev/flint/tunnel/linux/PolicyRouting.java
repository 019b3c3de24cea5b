package dev.flint.tunnel.linux;

import dev.flint.shell.linux.RtNetlink;
import dev.flint.tunnel.os.Cidr;
import java.io.IOException;

/**
 * Flint's routing table and the rules that send traffic into it (reference: data plane §3.3).
 * Resource routes live in table {@link #TABLE}, consulted by a rule for every packet that does
 * <em>not</em> carry {@link #FWMARK}; the service marks its own sockets (portal, relays, gateways)
 * with it, so they keep using the main table and never loop through the tunnel. Routes vanish with
 * the TUN device; the rules do not, hence {@link #removeRules()} on every teardown and at start-up.
 * The messages themselves are encoded by {@link RtNetlink}.
 */
public final class PolicyRouting implements AutoCloseable {
    public static final int TABLE = 0x2021fd00;
    public static final int FWMARK = 0xfd002021;
    public static final int RULE_PRIORITY = 100;
    /** More copies than a crashed run can have left: removal stops at the first "no such rule". */
    private static final int MAX_LEFTOVER_RULES = 16;

    private final RtNetlink netlink;

    private PolicyRouting(RtNetlink netlink) {
        this.netlink = netlink;
    }

    public static PolicyRouting open() throws IOException {
        return new PolicyRouting(RtNetlink.open());
    }

    /** Adds {@code destination} via interface {@code index} to Flint's table. */
    public void addRoute(int index, Cidr destination) throws IOException {
        netlink.addTableRoute(index, destination.address(), destination.prefixLength(), TABLE);
    }

    /** Removes {@code destination} via interface {@code index} from Flint's table; false if it was not there. */
    public boolean deleteRoute(int index, Cidr destination) throws IOException {
        return netlink.deleteTableRoute(index, destination.address(), destination.prefixLength(), TABLE);
    }

    /** Adds the IPv4 and IPv6 rules {@code not fwmark FWMARK lookup TABLE}. */
    public void addRules() throws IOException {
        for (boolean ipv6 : new boolean[] {false, true}) {
            netlink.addInvertedMarkRule(ipv6, FWMARK, TABLE, RULE_PRIORITY);
        }
    }

    /** Removes both rules, including copies left by a dead process; absent rules are fine. */
    public void removeRules() throws IOException {
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (int i = 0; i < MAX_LEFTOVER_RULES; i++) {
                if (!netlink.deleteInvertedMarkRule(ipv6, FWMARK, TABLE, RULE_PRIORITY)) {
                    break;
                }
            }
        }
    }


    @Override
    public void close() {
        netlink.close();
    }
}
