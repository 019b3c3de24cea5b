package dev.flint.connlib.tunnel;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.IpProtocol;
import dev.flint.connlib.portal.Filter;
import java.util.List;

/** A resource's traffic filters: empty permits all; otherwise listed TCP/UDP destination ports and ICMP. */
public final class FilterEngine {
    private FilterEngine() {}

    public static boolean permits(List<Filter> filters, IpPacket p) {
        if (filters.isEmpty()) {
            return true;
        }
        int proto = p.protocol();
        for (Filter f : filters) {
            boolean ok = switch (f) {
                case Filter.Tcp(int s, int e) -> p.isTcp() && p.destinationPort() >= s && p.destinationPort() <= e;
                case Filter.Udp(int s, int e) -> p.isUdp() && p.destinationPort() >= s && p.destinationPort() <= e;
                case Filter.Icmp i -> proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6;
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }
}
