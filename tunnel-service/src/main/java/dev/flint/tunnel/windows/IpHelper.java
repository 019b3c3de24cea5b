package dev.flint.tunnel.windows;

import dev.flint.tunnel.os.Cidr;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The IP Helper API rows the tunnel interface writes, as records: one call per row, so a test can
 * assert exactly what was asked of Windows. {@link IphlpapiIpHelper} encodes them into the native
 * {@code MIB_*} structures ({@link IpHelperRows}).
 */
public interface IpHelper {

    /** Windows' address family numbers ({@code AF_INET6} is 23 there, not 10). */
    enum Family {
        IPV4(2), IPV6(23);

        private final int code;

        Family(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Family of(InetAddress address) {
            return address instanceof Inet4Address ? IPV4 : IPV6;
        }
    }

    /** {@code MIB_UNICASTIPADDRESS_ROW}: an address on the interface with its on-link prefix. */
    record UnicastAddress(long luid, Cidr address) {}

    /** {@code MIB_IPFORWARD_ROW2}: an on-link route (no next hop) through the interface. */
    record Route(long luid, Cidr destination, int metric) {}

    /** The {@code MIB_IPINTERFACE_ROW} fields Flint sets: MTU and a fixed (not automatic) metric. */
    record InterfaceSettings(long luid, Family family, int mtu, int metric) {}

    /** {@code CreateUnicastIpAddressEntry}; an address that already exists is fine. */
    void createUnicastAddress(UnicastAddress address) throws IOException;

    /** {@code DeleteUnicastIpAddressEntry}; an absent address is fine. */
    void deleteUnicastAddress(UnicastAddress address) throws IOException;

    /** {@code CreateIpForwardEntry2}; a route that already exists is fine. */
    void createRoute(Route route) throws IOException;

    /** {@code DeleteIpForwardEntry2}; an absent route is fine. */
    void deleteRoute(Route route) throws IOException;

    /** {@code GetIpInterfaceEntry}, the fields changed, {@code SetIpInterfaceEntry}. */
    void setInterface(InterfaceSettings settings) throws IOException;
}
