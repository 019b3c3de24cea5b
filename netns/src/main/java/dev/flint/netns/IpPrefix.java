package dev.flint.netns;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address with a prefix length, written {@code 10.0.0.1/24} or {@code fd00::1/64}: an interface address
 * (host bits set) or a route destination (host bits clear).
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        int max = address.getAddress().length * 8;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " out of range for " + address);
        }
    }

    /** Parses {@code a.b.c.d/n} or {@code v6::/n}; a bare address gets the full length (/32 or /128). */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!host.matches("[0-9a-fA-F:.]+")) {
            // Only literals: never let a typo become a DNS lookup.
            throw new IllegalArgumentException("not an IP literal: " + text);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + text, e);
        }
        int length = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
        return new IpPrefix(address, length);
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** The prefix with host bits cleared ({@code 10.0.0.1/24} → {@code 10.0.0.0/24}). */
    public IpPrefix network() {
        byte[] bytes = address.getAddress();
        for (int bit = length; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpPrefix(toAddress(bytes), length);
    }

    /** The {@code n}-th address of this network, keeping the prefix length ({@code 10.0.0.0/24}.host(1) = 10.0.0.1/24). */
    public IpPrefix host(long n) {
        byte[] base = network().address().getAddress();
        BigInteger value = new BigInteger(1, base).add(BigInteger.valueOf(n));
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[base.length];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        IpPrefix result = new IpPrefix(toAddress(bytes), length);
        if (!result.network().equals(network())) {
            throw new IllegalArgumentException("host " + n + " is outside " + network());
        }
        return result;
    }

    /** The address alone, as iproute2 and nftables write it. */
    public String addressText() {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        // RFC 5952 form: the longest run (of two or more) of zero groups becomes "::".
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return addressText() + "/" + length;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
