package dev.flint.tunnel.wireguard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IP address with a prefix length ({@code 10.0.0.0/24}, {@code fd00::/64}); the address bits
 * beyond the prefix are kept as written, so an interface address keeps its host part.
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        int max = address.getAddress().length * 8;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0.." + max);
        }
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public int maxLength() {
        return isIpv4() ? 32 : 128;
    }

    /** The same prefix with the host bits cleared (the network, as a route destination). */
    public IpPrefix network() {
        byte[] bytes = address.getAddress();
        for (int bit = length; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(bytes), length);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Parses {@code ADDRESS[/LENGTH]} where ADDRESS is a literal IPv4 or IPv6 address (never a
     * host name); without a length the prefix is a single host.
     */
    public static Optional<IpPrefix> parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        Optional<InetAddress> address = parseLiteral(addr);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int max = address.get().getAddress().length * 8;
        int length = max;
        if (slash >= 0) {
            String len = s.substring(slash + 1);
            if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            length = Integer.parseInt(len);
            if (length > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new IpPrefix(address.get(), length));
    }

    /** Parses a literal IP address without ever doing a DNS lookup. */
    public static Optional<InetAddress> parseLiteral(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.indexOf(':') >= 0) {
            if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return Optional.empty();
            }
        } else {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return Optional.empty();
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                        || Integer.parseInt(p) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            // Only literals reach here, so getByName does not resolve anything.
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress().replaceFirst("%.*$", "") + "/" + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.length == length
            && Arrays.equals(p.address.getAddress(), address.getAddress());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address.getAddress()) * 31 + length;
    }
}
