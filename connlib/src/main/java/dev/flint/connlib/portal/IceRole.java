package dev.flint.connlib.portal;

/** Which side of a client-to-client connection drives ICE. */
public enum IceRole {
    CONTROLLING("controlling"), CONTROLLED("controlled");

    private final String wireName;

    IceRole(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static IceRole fromWire(String name) {
        for (IceRole r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        return null;
    }
}
