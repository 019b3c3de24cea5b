package dev.flint.tunnel.windows;

import dev.flint.tunnel.os.Cidr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x64 layouts of the IP Helper rows, written field by field into a buffer that
 * {@code Initialize*Entry} (or {@code GetIpInterfaceEntry}) has already filled, so every field not
 * named here keeps the value Windows chose. Offsets as in {@code netioapi.h} (and wireguard-windows'
 * {@code winipcfg} layout tests).
 */
final class IpHelperRows {
    static final int SOCKADDR_INET_SIZE = 28;

    static final int UNICAST_ROW_SIZE = 80;
    static final int UNICAST_ADDRESS = 0;
    static final int UNICAST_LUID = 32;
    static final int UNICAST_VALID_LIFETIME = 52;
    static final int UNICAST_PREFERRED_LIFETIME = 56;
    static final int UNICAST_ON_LINK_PREFIX_LENGTH = 60;
    static final int UNICAST_DAD_STATE = 64;
    /** {@code IpDadStatePreferred}: usable at once, no duplicate detection on a point-to-point tunnel. */
    static final int DAD_STATE_PREFERRED = 4;

    static final int FORWARD_ROW_SIZE = 104;
    static final int FORWARD_LUID = 0;
    static final int FORWARD_PREFIX = 12;
    static final int FORWARD_PREFIX_LENGTH = 12 + SOCKADDR_INET_SIZE;
    static final int FORWARD_NEXT_HOP = 44;
    static final int FORWARD_VALID_LIFETIME = 76;
    static final int FORWARD_PREFERRED_LIFETIME = 80;
    static final int FORWARD_METRIC = 84;
    static final int FORWARD_PROTOCOL = 88;
    /** {@code MIB_IPPROTO_NETMGMT}: a static route set by management software. */
    static final int PROTOCOL_NETMGMT = 3;

    static final int INTERFACE_ROW_SIZE = 168;
    static final int INTERFACE_FAMILY = 0;
    static final int INTERFACE_LUID = 8;
    static final int INTERFACE_USE_AUTOMATIC_METRIC = 44;
    static final int INTERFACE_SITE_PREFIX_LENGTH = 144;
    static final int INTERFACE_METRIC = 148;
    static final int INTERFACE_NL_MTU = 152;

    static final int INFINITE_LIFETIME = 0xffffffff;

    private IpHelperRows() {
    }

    static ByteBuffer row(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes a {@code SOCKADDR_INET} (port 0) for {@code address} at {@code offset}. */
    static void sockaddr(ByteBuffer row, int offset, byte[] address) {
        for (int i = 0; i < SOCKADDR_INET_SIZE; i++) {
            row.put(offset + i, (byte) 0);
        }
        if (address.length == 4) {
            row.putShort(offset, (short) IpHelper.Family.IPV4.code());
            row.put(offset + 4, address);           // sin_addr, network order
        } else {
            row.putShort(offset, (short) IpHelper.Family.IPV6.code());
            row.put(offset + 8, address);           // sin6_addr after port and flow info
        }
    }

    static void unicastAddress(ByteBuffer row, IpHelper.UnicastAddress address) {
        sockaddr(row, UNICAST_ADDRESS, address.address().address().getAddress());
        row.putLong(UNICAST_LUID, address.luid());
        row.putInt(UNICAST_VALID_LIFETIME, INFINITE_LIFETIME);
        row.putInt(UNICAST_PREFERRED_LIFETIME, INFINITE_LIFETIME);
        row.put(UNICAST_ON_LINK_PREFIX_LENGTH, (byte) address.address().prefixLength());
        row.putInt(UNICAST_DAD_STATE, DAD_STATE_PREFERRED);
    }

    static void route(ByteBuffer row, IpHelper.Route route) {
        byte[] network = network(route.destination());
        row.putLong(FORWARD_LUID, route.luid());
        sockaddr(row, FORWARD_PREFIX, network);
        row.put(FORWARD_PREFIX_LENGTH, (byte) route.destination().prefixLength());
        // An unspecified next hop of the same family: the route is on-link through the tunnel.
        sockaddr(row, FORWARD_NEXT_HOP, new byte[network.length]);
        row.putInt(FORWARD_VALID_LIFETIME, INFINITE_LIFETIME);
        row.putInt(FORWARD_PREFERRED_LIFETIME, INFINITE_LIFETIME);
        row.putInt(FORWARD_METRIC, route.metric());
        row.putInt(FORWARD_PROTOCOL, PROTOCOL_NETMGMT);
    }

    /** The key {@code GetIpInterfaceEntry} looks the row up by. */
    static void interfaceKey(ByteBuffer row, IpHelper.InterfaceSettings settings) {
        row.putShort(INTERFACE_FAMILY, (short) settings.family().code());
        row.putLong(INTERFACE_LUID, settings.luid());
    }

    /** The changes made to the row {@code GetIpInterfaceEntry} returned, before {@code SetIpInterfaceEntry}. */
    static void interfaceSettings(ByteBuffer row, IpHelper.InterfaceSettings settings) {
        row.put(INTERFACE_USE_AUTOMATIC_METRIC, (byte) 0);
        row.putInt(INTERFACE_METRIC, settings.metric());
        row.putInt(INTERFACE_NL_MTU, settings.mtu());
        if (settings.family() == IpHelper.Family.IPV4) {
            // SetIpInterfaceEntry rejects IPv4 rows with a site prefix length (ERROR_INVALID_PARAMETER).
            row.putInt(INTERFACE_SITE_PREFIX_LENGTH, 0);
        }
    }

    /** The destination with its host bits cleared: Windows refuses a prefix that has any set. */
    static byte[] network(Cidr cidr) {
        byte[] bytes = cidr.address().getAddress();
        for (int bit = cidr.prefixLength(); bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return bytes;
    }
}
