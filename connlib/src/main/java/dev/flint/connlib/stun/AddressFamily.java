package dev.flint.connlib.stun;

/** Address family codes used in STUN address attributes and TURN family requests. */
public enum AddressFamily {
    IPV4(0x01),
    IPV6(0x02);

    private final int code;

    AddressFamily(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static AddressFamily ofCode(int code) {
        return switch (code) {
            case 0x01 -> IPV4;
            case 0x02 -> IPV6;
            default -> null;
        };
    }

    public static AddressFamily of(java.net.InetAddress address) {
        return address instanceof java.net.Inet6Address ? IPV6 : IPV4;
    }
}
