package dev.flint.connlib.portal;

/** Which address families a DNS resource is answered with. */
public enum IpStack {
    DUAL("dual"), IPV4_ONLY("ipv4_only"), IPV6_ONLY("ipv6_only");

    private final String wireName;

    IpStack(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Null when the name is not one of the three. */
    public static IpStack fromWire(String name) {
        for (IpStack s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
