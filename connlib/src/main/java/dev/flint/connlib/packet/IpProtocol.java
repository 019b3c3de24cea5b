package dev.flint.connlib.packet;

/** IANA protocol numbers used by the tunnel. */
public final class IpProtocol {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    /** Reserved number Firezone uses for its p2p control packets. */
    public static final int FZ_P2P_CONTROL = 0xFF;

    private IpProtocol() {}
}
