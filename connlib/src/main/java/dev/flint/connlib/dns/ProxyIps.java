package dev.flint.connlib.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** The 4 IPv4 and 4 IPv6 proxy addresses handed out for one name. */
public record ProxyIps(List<Inet4Address> v4, List<Inet6Address> v6) {
    public ProxyIps {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
    }

    public List<InetAddress> all() {
        List<InetAddress> l = new ArrayList<>(v4);
        l.addAll(v6);
        return l;
    }
}
