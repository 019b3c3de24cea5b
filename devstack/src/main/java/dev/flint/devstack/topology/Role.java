package dev.flint.devstack.topology;

/** The namespaces of the demo topology; {@link #shortName()} is the namespace name after the run prefix. */
public enum Role {
    INTERNET("inet"),
    PORTAL("portal"),
    RELAY("relay"),
    /** Only with {@link DemoTopology.Options#secondRelay()}. */
    RELAY2("relay2"),
    CLIENT_NAT("natc"),
    CLIENT("client"),
    GATEWAY_NAT("natg"),
    GATEWAY("gw"),
    RESOURCES("res");

    private final String shortName;

    Role(String shortName) {
        this.shortName = shortName;
    }

    public String shortName() {
        return shortName;
    }
}
