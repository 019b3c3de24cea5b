package dev.flint.connlib.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Strict IP address literals: parsing never touches DNS, and IPv6 is printed in the RFC 5952 form the
 * portal uses ({@code fd00:2021:1111::13:efb9}), which {@link InetAddress#getHostAddress()} does not give.
 */
public final class InetLiteral {

    private static final Pattern IPV4 =
        Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private InetLiteral() {
    }

    /** Parses a dotted-quad IPv4 literal; null when the text is not one. */
    public static Inet4Address parseIpv4(String text) {
        if (text == null || !IPV4.matcher(text).matches()) {
            return null;
        }
        return Inet4Address.ofLiteral(text);
    }

    /** Parses an IPv6 literal without brackets or zone; null when the text is not one. */
    public static Inet6Address parseIpv6(String text) {
        if (text == null || !text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        try {
            InetAddress parsed = InetAddress.ofLiteral(text);
            if (parsed instanceof Inet6Address v6) {
                return v6;
            }
            // IPv4-mapped literals come back as Inet4Address; keep them IPv6 as written.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, null);
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Parses either family; null when the text is neither. */
    public static InetAddress parse(String text) {
        InetAddress v4 = parseIpv4(text);
        return v4 != null ? v4 : parseIpv6(text);
    }

    /** The canonical text: dotted quad, or RFC 5952 (lowercase, longest zero run compressed). */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(words[i]));
        }
        return out.toString();
    }
}
