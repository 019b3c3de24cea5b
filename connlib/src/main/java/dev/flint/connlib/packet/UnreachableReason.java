package dev.flint.connlib.packet;

/** Destination-unreachable codes the tunnel generates, with their ICMPv4 and ICMPv6 encodings. */
public enum UnreachableReason {
    /** v4 type 3 code 13, v6 type 1 code 1 ("communication administratively prohibited"). */
    PROHIBITED(13, 1),
    NETWORK_UNREACHABLE(0, 0),
    HOST_UNREACHABLE(1, 3),
    PORT_UNREACHABLE(3, 4);

    private final int v4Code;
    private final int v6Code;

    UnreachableReason(int v4Code, int v6Code) {
        this.v4Code = v4Code;
        this.v6Code = v6Code;
    }

    public int v4Code() {
        return v4Code;
    }

    public int v6Code() {
        return v6Code;
    }

    public static UnreachableReason fromV4(int code) {
        return switch (code) {
            case 0 -> NETWORK_UNREACHABLE;
            case 3 -> PORT_UNREACHABLE;
            case 9, 10, 13 -> PROHIBITED;
            default -> HOST_UNREACHABLE;
        };
    }

    public static UnreachableReason fromV6(int code) {
        return switch (code) {
            case 0 -> NETWORK_UNREACHABLE;
            case 1 -> PROHIBITED;
            case 4 -> PORT_UNREACHABLE;
            default -> HOST_UNREACHABLE;
        };
    }
}
