package dev.flint.connlib.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix with its host bits cleared, and containment tests for routing. */
public record IpPrefix(InetAddress address, int prefix) {
    public IpPrefix {
        int bits = address.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix out of range: " + prefix);
        }
        address = mask(address, prefix);
    }

    /** Parses {@code "10.0.0.0/8"} or a bare address (a host network). Returns null on bad input. */
    public static IpPrefix parse(String s) {
        try {
            int slash = s.indexOf('/');
            String a = slash < 0 ? s : s.substring(0, slash);
            if (!a.matches("[0-9a-fA-F:.]+")) {
                return null; // never let the resolver near a name
            }
            InetAddress addr = address(a);
            int bits = addr.getAddress().length * 8;
            int p = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
            if (p < 0 || p > bits) {
                return null;
            }
            return new IpPrefix(addr, p);
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    public static IpPrefix of(String s) {
        IpPrefix n = parse(s);
        if (n == null) {
            throw new IllegalArgumentException("not a network: " + s);
        }
        return n;
    }

    /** Address from a literal without any name lookup; v6 literals stay {@link Inet6Address} even if v4-mapped. */
    public static InetAddress address(String literal) throws UnknownHostException {
        InetAddress a = InetAddress.ofLiteral(literal);
        if (literal.contains(":") && a instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        return a;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public boolean contains(InetAddress a) {
        byte[] x = a.getAddress();
        byte[] n = address.getAddress();
        if (x.length != n.length) {
            return false;
        }
        return Arrays.equals(mask(x, prefix), n);
    }

    public boolean contains(IpPrefix other) {
        return other.prefix >= prefix && contains(other.address);
    }

    /** The address {@code offset} positions after the network address (no bounds check beyond the family). */
    public InetAddress addressAt(long offset) {
        byte[] out = address.getAddress();
        long carry = offset;
        for (int i = out.length - 1; i >= 0 && carry != 0; i--) {
            long sum = (out[i] & 0xFF) + (carry & 0xFF);
            out[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return fromBytes(out);
    }

    /** Number of addresses in the prefix, saturated at {@link Long#MAX_VALUE}. */
    public long size() {
        int hostBits = address.getAddress().length * 8 - prefix;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    static InetAddress fromBytes(byte[] b) {
        try {
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static InetAddress mask(InetAddress a, int prefix) {
        return fromBytes(mask(a.getAddress(), prefix));
    }

    private static byte[] mask(byte[] b, int prefix) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
