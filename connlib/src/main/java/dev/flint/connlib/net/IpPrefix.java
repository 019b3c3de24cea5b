package dev.flint.connlib.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address with a prefix length, written {@code 10.0.0.0/24} or {@code fd00:2021:1111::/107}.
 * The address is kept as given: an interface address ({@code 100.64.0.3/32}, {@code 10.10.1.2/24}) has host bits,
 * a route destination or a CIDR resource has none ({@link #isCanonical()}, {@link #network()}).
 */
public record IpPrefix(InetAddress address, int prefixLength) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = maxLength(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max + " for "
                + InetLiteral.format(address));
        }
    }

    /** A single address: {@code /32} or {@code /128}. */
    public static IpPrefix of(InetAddress address) {
        return new IpPrefix(address, maxLength(address));
    }

    /**
     * Parses {@code ADDRESS/LENGTH} or a bare {@code ADDRESS} (a single address). ADDRESS is a strict IPv4 or IPv6
     * literal (never a host name, so never a DNS lookup); LENGTH is decimal without leading zeros.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static IpPrefix parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no IP prefix given");
        }
        int slash = text.indexOf('/');
        if (slash >= 0 && slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("'" + text + "' has more than one '/'");
        }
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = InetLiteral.parse(host);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "': '" + host + "' is not an IPv4 or IPv6 address");
        }
        if (slash < 0) {
            return of(address);
        }
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')
            || (len.length() > 1 && len.charAt(0) == '0')) {
            throw new IllegalArgumentException("'" + text + "': prefix length '" + len + "' is not a number");
        }
        int length = Integer.parseInt(len);
        if (length > maxLength(address)) {
            throw new IllegalArgumentException("'" + text + "': prefix length " + length + " exceeds "
                + maxLength(address));
        }
        return new IpPrefix(address, length);
    }

    /** {@link #parse(String)}, but null for text that is not a prefix (decoders turn that into their own error). */
    public static IpPrefix tryParse(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** 32 or 128. */
    public int maxLength() {
        return maxLength(address);
    }

    /** A single address ({@code /32} or {@code /128}). */
    public boolean isHost() {
        return prefixLength == maxLength();
    }

    /** True when no bit beyond the prefix is set (route destinations and CIDR resources). */
    public boolean isCanonical() {
        return Arrays.equals(address.getAddress(), mask(address.getAddress(), prefixLength));
    }

    /** The same prefix with the host bits cleared ({@code 10.0.0.1/24} -> {@code 10.0.0.0/24}). */
    public IpPrefix network() {
        return isCanonical() ? this : new IpPrefix(fromBytes(mask(address.getAddress(), prefixLength)), prefixLength);
    }

    public boolean contains(InetAddress a) {
        byte[] x = a.getAddress();
        byte[] n = address.getAddress();
        return x.length == n.length && Arrays.equals(mask(x, prefixLength), mask(n, prefixLength));
    }

    public boolean contains(IpPrefix other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** The address {@code offset} positions after the network address (carrying within the family, unchecked). */
    public InetAddress addressAt(long offset) {
        byte[] out = mask(address.getAddress(), prefixLength);
        long carry = offset;
        for (int i = out.length - 1; i >= 0 && carry != 0; i--) {
            long sum = (out[i] & 0xFF) + (carry & 0xFF);
            out[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return fromBytes(out);
    }

    /** The {@code n}-th address of this network with this prefix length ({@code 10.0.0.0/24}.host(1) = 10.0.0.1/24). */
    public IpPrefix host(long n) {
        if (n < 0 || n >= size()) {
            throw new IllegalArgumentException("host " + n + " is outside " + network());
        }
        return new IpPrefix(addressAt(n), prefixLength);
    }

    /** Number of addresses in the prefix, saturated at {@link Long#MAX_VALUE}. */
    public long size() {
        int hostBits = maxLength() - prefixLength;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    /** The address alone in its canonical text (RFC 5952 for IPv6), as iproute2, nftables and the portal write it. */
    public String addressText() {
        return InetLiteral.format(address);
    }

    @Override
    public String toString() {
        return addressText() + "/" + prefixLength;
    }

    private static int maxLength(InetAddress address) {
        return address.getAddress().length * 8;
    }

    private static InetAddress fromBytes(byte[] b) {
        try {
            // v6 stays Inet6Address even for v4-mapped bytes.
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] mask(byte[] b, int prefix) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }
}
