package dev.flint.tunnel.os;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address with a prefix length, as routes and interface addresses are written ({@code 10.0.0.0/8}). */
public record Cidr(InetAddress address, int prefixLength) {
    public Cidr {
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for " + address.getHostAddress());
        }
    }

    /** Parses {@code a.b.c.d/n} or an IPv6 literal with a prefix; a bare address is a host route. */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!host.matches("[0-9a-fA-F.:]+") || host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            int prefix = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
            return new Cidr(address, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address with a prefix length");
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
