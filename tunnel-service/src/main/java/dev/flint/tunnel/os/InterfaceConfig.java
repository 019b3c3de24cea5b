package dev.flint.tunnel.os;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a connected session asks of the OS: tunnel addresses, routes and DNS servers. */
public record InterfaceConfig(Optional<Inet4Address> ipv4, Optional<Inet6Address> ipv6, List<Cidr> routes,
                              List<InetAddress> dnsServers, Optional<String> searchDomain) {
    public InterfaceConfig {
        if (ipv4.isEmpty() && ipv6.isEmpty()) {
            throw new IllegalArgumentException("an interface needs an IPv4 or an IPv6 address");
        }
        routes = List.copyOf(routes);
        dnsServers = List.copyOf(dnsServers);
    }

    /**
     * Reads a static configuration: one {@code key = value} per line with keys {@code address},
     * {@code route}, {@code dns} and {@code search}; {@code #} starts a comment.
     */
    public static InterfaceConfig read(Path file) throws IOException {
        Inet4Address v4 = null;
        Inet6Address v6 = null;
        List<Cidr> routes = new ArrayList<>();
        List<InetAddress> dns = new ArrayList<>();
        String search = null;
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IOException(file + " line " + number + ": expected 'key = value'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            try {
                switch (key) {
                    case "address" -> {
                        InetAddress a = Cidr.parse(value).address();
                        if (a instanceof Inet4Address four) {
                            v4 = four;
                        } else {
                            v6 = (Inet6Address) a;
                        }
                    }
                    case "route" -> routes.add(Cidr.parse(value));
                    case "dns" -> dns.add(Cidr.parse(value).address());
                    case "search" -> search = value;
                    default -> throw new IOException(file + " line " + number + ": unknown key '" + key + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + number + ": " + e.getMessage());
            }
        }
        try {
            return new InterfaceConfig(Optional.ofNullable(v4), Optional.ofNullable(v6), routes, dns,
                    Optional.ofNullable(search));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }
}
