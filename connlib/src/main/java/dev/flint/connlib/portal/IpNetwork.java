package dev.flint.connlib.portal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** An address with a prefix length, as {@code 10.0.0.0/24} or {@code 100.64.1.38/32}. */
public record IpNetwork(InetAddress address, int prefixLength) {

    public IpNetwork {
        Objects.requireNonNull(address, "address");
        int max = maxPrefix(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max);
        }
    }

    /** A single host: {@code /32} or {@code /128}. */
    public static IpNetwork host(InetAddress address) {
        return new IpNetwork(address, maxPrefix(address));
    }

    /** Parses {@code addr/len}; null when malformed. */
    public static IpNetwork parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            return null;
        }
        InetAddress address = InetLiteral.parse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        if (address == null || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)
            || (len.length() > 1 && len.charAt(0) == '0')) {
            return null;
        }
        int prefix = Integer.parseInt(len);
        if (prefix > maxPrefix(address)) {
            return null;
        }
        return new IpNetwork(address, prefix);
    }

    /** True when no bit beyond the prefix is set (CIDR resources must be canonical). */
    public boolean isCanonical() {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public boolean isHost() {
        return prefixLength == maxPrefix(address);
    }

    private static int maxPrefix(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    @Override
    public String toString() {
        return InetLiteral.format(address) + "/" + prefixLength;
    }
}
