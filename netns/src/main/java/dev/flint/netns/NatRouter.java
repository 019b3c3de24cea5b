package dev.flint.netns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A namespace that forwards between an inside and an outside interface and translates as its {@link NatType}
 * says, with one nftables table ({@code inet flint_nat}) in the router's own namespace, so deleting the namespace
 * removes the rules.
 *
 * <p>How each type is realised (verified by {@code NatRouterTest}: a UDP socket inside, servers on two outside
 * addresses, comparing the source each server sees and sending unsolicited packets back; the test fails when
 * the symmetric rule loses {@code fully-random}):
 * <ul>
 *   <li>{@code NONE}: forwarding only. No table is loaded.
 *   <li>{@code PORT_RESTRICTED_CONE}: {@code masquerade persistent} on the outside interface. Linux NAT keeps the
 *       inside source port whenever the resulting 5-tuple is unused, and a flow to another destination is another
 *       tuple, so one inside socket gets the same outside port towards every destination (endpoint-independent
 *       mapping; a clash with another flow to the same destination would remap, which a test topology never
 *       causes). Inbound, only packets matching a conntrack entry's full 5-tuple are translated back: a reply from the
 *       contacted address and port passes, a packet from another port of the same server is addressed to the router
 *       itself and dies there (address-and-port-dependent filtering, "port-restricted"). The forward chain's drop
 *       policy also stops packets sent straight to inside addresses.
 *   <li>{@code SYMMETRIC}: {@code masquerade random,fully-random}: every new flow (new destination address or
 *       port) gets an outside port drawn at random, so two destinations see two ports (they coincide with
 *       probability about 1/28000); filtering as above.
 *   <li>{@code FULL_CONE} (best effort; conntrack has no endpoint-independent filtering): outbound as
 *       port-restricted; inbound, a prerouting rule DNATs any new UDP packet that reaches the router's outside
 *       interface on ports 1024-65535 to the single inside host given, port unchanged. Because outbound mappings
 *       preserve ports, "outside port p" means "inside port p" and anyone can reach a mapped port. Limits: one
 *       inside host, IPv4 UDP only for the inbound part, and it also opens ports never mapped.
 * </ul>
 * Every type but {@code NONE} drops unsolicited UDP addressed to the router itself before conntrack records it (see
 * {@link #ruleset}), so a peer's early packet cannot make Linux remap the next outbound flow to another port.
 * No type supports hairpinning (an inside host reaching another inside host through the outside address).
 */
public record NatRouter(NetworkNamespace namespace, NatType type, String insideInterface, String outsideInterface) {

    public static final String TABLE = "flint_nat";

    public NatRouter {
        Objects.requireNonNull(namespace);
        Objects.requireNonNull(type);
        RunPrefix.checkInterfaceName(insideInterface);
        RunPrefix.checkInterfaceName(outsideInterface);
    }

    /**
     * Turns {@code namespace} into the router: forwarding on and the ruleset for {@code type} loaded. The interfaces
     * must exist already. {@code fullConeHost} is the inside host that receives unsolicited traffic for
     * {@link NatType#FULL_CONE} (required for that type, ignored otherwise).
     */
    public static NatRouter install(NetworkNamespace namespace, NatType type, String insideInterface,
            String outsideInterface, InetAddress fullConeHost) {
        NatRouter router = new NatRouter(namespace, type, insideInterface, outsideInterface);
        namespace.enableForwarding();
        String ruleset = router.ruleset(fullConeHost);
        if (!ruleset.isEmpty()) {
            namespace.nft(ruleset);
        }
        return router;
    }

    /** The nftables ruleset for this router (empty for {@link NatType#NONE}). */
    public String ruleset(InetAddress fullConeHost) {
        if (type == NatType.NONE) {
            return "";
        }
        String masquerade = switch (type) {
            case SYMMETRIC -> "masquerade random,fully-random";
            default -> "masquerade persistent";
        };
        StringBuilder rules = new StringBuilder();
        rules.append("table inet ").append(TABLE).append(" {\n")
            .append("  chain forward {\n")
            .append("    type filter hook forward priority filter; policy drop;\n")
            .append("    iifname \"").append(insideInterface).append("\" oifname \"").append(outsideInterface)
            .append("\" accept\n")
            .append("    ct state established,related accept\n");
        if (type == NatType.FULL_CONE) {
            rules.append("    ct status dnat accept\n");
        }
        rules.append("  }\n")
            // Unsolicited UDP for the router itself dies before conntrack confirms an entry for it. Without this,
            // a peer's hole-punching packet that arrives before ours leaves an entry whose reply tuple then clashes
            // with our own outbound mapping, and Linux gives that mapping another port: endpoint-independent
            // mapping would silently turn into a symmetric one. Home routers drop such packets on the WAN too.
            .append("  chain input {\n")
            .append("    type filter hook input priority filter; policy accept;\n")
            .append("    iifname \"").append(outsideInterface).append("\" meta l4proto udp ct state new drop\n")
            .append("  }\n")
            .append("  chain postrouting {\n")
            .append("    type nat hook postrouting priority srcnat; policy accept;\n")
            .append("    oifname \"").append(outsideInterface).append("\" ").append(masquerade).append("\n")
            .append("  }\n");
        if (type == NatType.FULL_CONE) {
            if (!(fullConeHost instanceof Inet4Address)) {
                throw new IllegalArgumentException("a full-cone router needs the IPv4 inside host to forward to");
            }
            rules.append("  chain prerouting {\n")
                .append("    type nat hook prerouting priority dstnat; policy accept;\n")
                .append("    iifname \"").append(outsideInterface).append("\" udp dport 1024-65535 dnat ip to ")
                .append(fullConeHost.getHostAddress()).append("\n")
                .append("  }\n");
        }
        rules.append("}\n");
        return rules.toString();
    }
}
