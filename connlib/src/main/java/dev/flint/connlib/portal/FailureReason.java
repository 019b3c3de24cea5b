package dev.flint.connlib.portal;

/** Why the portal refused or could not complete a request; reasons this model does not know map to UNKNOWN. */
public enum FailureReason {
    NOT_FOUND("not_found"),
    FORBIDDEN("forbidden"),
    OFFLINE("offline"),
    VERSION_MISMATCH("version_mismatch"),
    DISABLED("disabled"),
    AMBIGUOUS_ADDRESS("ambiguous_address"),
    MISSING_ADDRESS("missing_address"),
    INVALID_ADDRESS("invalid_address"),
    UNKNOWN("");

    private final String wireName;

    FailureReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static FailureReason fromWire(String name) {
        for (FailureReason r : values()) {
            if (r != UNKNOWN && r.wireName.equals(name)) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
