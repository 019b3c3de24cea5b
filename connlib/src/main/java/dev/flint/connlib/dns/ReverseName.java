package dev.flint.connlib.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/** {@code in-addr.arpa} / {@code ip6.arpa} names. */
public final class ReverseName {
    private ReverseName() {}

    public static Optional<InetAddress> parse(String name) {
        String n = DomainPattern.stripDot(name).toLowerCase(Locale.ROOT);
        try {
            if (n.endsWith(".in-addr.arpa")) {
                String[] p = n.substring(0, n.length() - ".in-addr.arpa".length()).split("\\.", -1);
                if (p.length != 4) {
                    return Optional.empty();
                }
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    if (!p[i].matches("[0-9]{1,3}")) {
                        return Optional.empty();
                    }
                    int v = Integer.parseInt(p[i]);
                    if (v > 255) {
                        return Optional.empty();
                    }
                    b[3 - i] = (byte) v;
                }
                return Optional.of(address(b));
            }
            if (n.endsWith(".ip6.arpa")) {
                String[] p = n.substring(0, n.length() - ".ip6.arpa".length()).split("\\.", -1);
                if (p.length != 32) {
                    return Optional.empty();
                }
                byte[] b = new byte[16];
                for (int i = 0; i < 32; i++) {
                    if (p[i].length() != 1 || Character.digit(p[i].charAt(0), 16) < 0) {
                        return Optional.empty();
                    }
                    int nib = Character.digit(p[i].charAt(0), 16);
                    int idx = 31 - i;
                    b[idx / 2] |= (byte) (idx % 2 == 0 ? nib << 4 : nib);
                }
                return Optional.of(address(b));
            }
        } catch (RuntimeException | UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public static String of(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xFF).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xF, 16)).append('.');
            sb.append(Character.forDigit((b[i] >>> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    private static InetAddress address(byte[] b) throws UnknownHostException {
        // ip6.arpa names stay IPv6 even when they spell a v4-mapped address.
        return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
    }
}
