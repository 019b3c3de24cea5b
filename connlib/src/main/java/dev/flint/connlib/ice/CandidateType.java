package dev.flint.connlib.ice;

/** ICE candidate types with their RFC 8445 type preferences as str0m assigns them. */
public enum CandidateType {
    HOST("host", 126),
    PEER_REFLEXIVE("prflx", 110),
    SERVER_REFLEXIVE("srflx", 100),
    RELAYED("relay", 0);

    private final String sdpName;
    private final int typePreference;

    CandidateType(String sdpName, int typePreference) {
        this.sdpName = sdpName;
        this.typePreference = typePreference;
    }

    public String sdpName() {
        return sdpName;
    }

    public int typePreference() {
        return typePreference;
    }

    static CandidateType ofSdpName(String name) {
        for (CandidateType t : values()) {
            if (t.sdpName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
