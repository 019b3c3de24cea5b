package dev.flint.connlib.ice;

/**
 * Which side drives ICE: Firezone clients are controlling towards gateways, gateways are controlled; for
 * client-to-client connections the portal assigns the role ({@code ice_role}).
 */
public enum IceRole {
    CONTROLLING("controlling"),
    CONTROLLED("controlled");

    private final String wireName;

    IceRole(String wireName) {
        this.wireName = wireName;
    }

    /** The portal's name for the role. */
    public String wireName() {
        return wireName;
    }

    /** The role the portal names, or null for a name it does not use. */
    public static IceRole fromWire(String name) {
        for (IceRole r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        return null;
    }

    IceRole other() {
        return this == CONTROLLING ? CONTROLLED : CONTROLLING;
    }
}
