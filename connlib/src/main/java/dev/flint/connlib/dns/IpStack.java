package dev.flint.connlib.dns;

/** Which address families a DNS resource is reached over ({@code ip_stack}). */
public enum IpStack {
    DUAL, IPV4_ONLY, IPV6_ONLY;

    public boolean v4() {
        return this != IPV6_ONLY;
    }

    public boolean v6() {
        return this != IPV4_ONLY;
    }

    /** Portal spelling; anything unknown or missing is dual-stack. */
    public static IpStack parse(String s) {
        if (s == null) {
            return DUAL;
        }
        return switch (s) {
            case "ipv4_only" -> IPV4_ONLY;
            case "ipv6_only" -> IPV6_ONLY;
            default -> DUAL;
        };
    }
}
