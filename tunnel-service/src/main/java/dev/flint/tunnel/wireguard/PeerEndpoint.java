package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.InetLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** A peer's {@code Endpoint = host:port} or {@code [v6]:port}, resolved when the tunnel starts. */
public record PeerEndpoint(String host, int port) {

    public static Optional<PeerEndpoint> parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (InetLiteral.parseIpv6(host) == null) {
                return Optional.empty();
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                return Optional.empty();
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (!host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                return Optional.empty();
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return Optional.empty();
        }
        return Optional.of(new PeerEndpoint(host, p));
    }

    /** Resolves a host name (literals resolve without a lookup). */
    public InetSocketAddress resolve() throws UnknownHostException {
        InetAddress literal = InetLiteral.parse(host);
        InetAddress address = literal != null ? literal : InetAddress.getByName(host);
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
