package dev.flint.netns;

/**
 * NAT behaviours a {@link NatRouter} can show, in RFC 4787 terms (mapping / filtering). How each is realised with
 * Linux conntrack and nftables is documented on {@link NatRouter}.
 */
public enum NatType {
    /** Plain routing: no translation, nothing filtered. The outside must route the inside network back. */
    NONE,
    /** Endpoint-independent mapping and filtering (best effort: one inside host, ports preserved). */
    FULL_CONE,
    /** Endpoint-independent mapping, address-and-port-dependent filtering. */
    PORT_RESTRICTED_CONE,
    /** Address-and-port-dependent mapping: a new random outside port for every destination. */
    SYMMETRIC;

    /** Parses {@code none}, {@code full-cone}, {@code port-restricted} / {@code port-restricted-cone}, {@code symmetric}. */
    public static NatType parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> NONE;
            case "full-cone", "full_cone" -> FULL_CONE;
            case "port-restricted", "port-restricted-cone", "port_restricted_cone" -> PORT_RESTRICTED_CONE;
            case "symmetric" -> SYMMETRIC;
            default -> throw new IllegalArgumentException(
                "unknown NAT type '" + text + "' (none, full-cone, port-restricted, symmetric)");
        };
    }

    /** The command-line spelling. */
    public String label() {
        return switch (this) {
            case NONE -> "none";
            case FULL_CONE -> "full-cone";
            case PORT_RESTRICTED_CONE -> "port-restricted";
            case SYMMETRIC -> "symmetric";
        };
    }
}
