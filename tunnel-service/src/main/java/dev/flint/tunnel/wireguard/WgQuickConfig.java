package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A wg-quick style configuration: one {@code [Interface]} and any number of {@code [Peer]}
 * sections. {@link #parse} never throws on bad input; it names the first bad line instead.
 */
public record WgQuickConfig(InterfaceSection iface, List<PeerSection> peers) {

    public WgQuickConfig {
        peers = List.copyOf(peers);
    }

    /** The {@code [Interface]} section. */
    public record InterfaceSection(WireGuardKey privateKey, List<IpPrefix> addresses,
                                   OptionalInt listenPort, OptionalInt mtu, OptionalInt fwmark) {
        public InterfaceSection {
            addresses = List.copyOf(addresses);
        }
    }

    /** One {@code [Peer]} section. */
    public record PeerSection(WireGuardKey publicKey, Optional<WireGuardKey> presharedKey,
                              List<IpPrefix> allowedIps, Optional<PeerEndpoint> endpoint,
                              OptionalInt persistentKeepalive) {
        public PeerSection {
            allowedIps = List.copyOf(allowedIps);
        }
    }

    /** The outcome of {@link #parse}: a configuration, or the first problem and its line. */
    public sealed interface Parsed {
        /** A valid configuration. */
        record Valid(WgQuickConfig config) implements Parsed {
        }

        /** The first problem found; {@code line} is 1-based, 0 for problems of the whole file. */
        record Invalid(int line, String problem) implements Parsed {
            public String message() {
                return line > 0 ? "line " + line + ": " + problem : problem;
            }
        }
    }

    private static final class Problem extends Exception {
        final int line;

        Problem(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    public static Parsed parse(String text) {
        try {
            return new Parsed.Valid(new Parser().parse(text));
        } catch (Problem p) {
            return new Parsed.Invalid(p.line, p.getMessage());
        }
    }

    private static final class Parser {
        private enum Section { NONE, INTERFACE, PEER }

        private Section section = Section.NONE;
        private int interfaceLine;
        private WireGuardKey privateKey;
        private final List<IpPrefix> addresses = new ArrayList<>();
        private OptionalInt listenPort = OptionalInt.empty();
        private OptionalInt mtu = OptionalInt.empty();
        private OptionalInt fwmark = OptionalInt.empty();
        private final Set<String> seenKeys = new HashSet<>();

        private int peerLine;
        private WireGuardKey peerKey;
        private Optional<WireGuardKey> psk;
        private List<IpPrefix> allowed;
        private Optional<PeerEndpoint> endpoint;
        private OptionalInt keepalive;
        private final List<PeerSection> peers = new ArrayList<>();
        private final Set<WireGuardKey> peerKeys = new HashSet<>();

        WgQuickConfig parse(String text) throws Problem {
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                int n = i + 1;
                String line = lines[i];
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("[")) {
                    startSection(n, line);
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new Problem(n, "expected 'Key = Value' or a [Section] header, found '" + line + "'");
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (key.isEmpty()) {
                    throw new Problem(n, "missing key before '='");
                }
                switch (section) {
                    case NONE -> throw new Problem(n, "'" + key + "' appears before any [Interface] or [Peer] section");
                    case INTERFACE -> interfaceKey(n, key, value);
                    case PEER -> peerKey(n, key, value);
                }
            }
            finishPeer();
            if (interfaceLine == 0) {
                throw new Problem(0, "the file has no [Interface] section");
            }
            if (privateKey == null) {
                throw new Problem(interfaceLine, "[Interface] has no PrivateKey");
            }
            return new WgQuickConfig(
                new InterfaceSection(privateKey, addresses, listenPort, mtu, fwmark), peers);
        }

        private void startSection(int n, String line) throws Problem {
            if (!line.endsWith("]")) {
                throw new Problem(n, "section header '" + line + "' is missing its closing ']'");
            }
            String name = line.substring(1, line.length() - 1).strip();
            finishPeer();
            seenKeys.clear();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "interface" -> {
                    if (interfaceLine != 0) {
                        throw new Problem(n, "a second [Interface] section (the first is on line " + interfaceLine + ")");
                    }
                    interfaceLine = n;
                    section = Section.INTERFACE;
                }
                case "peer" -> {
                    section = Section.PEER;
                    peerLine = n;
                    peerKey = null;
                    psk = Optional.empty();
                    allowed = new ArrayList<>();
                    endpoint = Optional.empty();
                    keepalive = OptionalInt.empty();
                }
                default -> throw new Problem(n, "unknown section [" + name + "] (expected [Interface] or [Peer])");
            }
        }

        private void once(int n, String canonical) throws Problem {
            if (!seenKeys.add(canonical)) {
                throw new Problem(n, canonical + " is given twice in this section");
            }
        }

        private void interfaceKey(int n, String key, String value) throws Problem {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "privatekey" -> {
                    privateKey = key(n, "PrivateKey", value);
                    once(n, "PrivateKey");
                }
                case "address" -> {
                    for (String item : list(n, "Address", value)) {
                        addresses.add(Optional.ofNullable(IpPrefix.tryParse(item.strip())).orElseThrow(() -> new Problem(n,
                            "Address '" + item + "' is not an IPv4 or IPv6 address with an optional /prefix")));
                    }
                }
                case "listenport" -> {
                    listenPort = OptionalInt.of(number(n, "ListenPort", value, 0, 65535));
                    once(n, "ListenPort");
                }
                case "mtu" -> {
                    mtu = OptionalInt.of(number(n, "MTU", value, 576, 65535));
                    once(n, "MTU");
                }
                case "fwmark" -> {
                    fwmark = value.equalsIgnoreCase("off") ? OptionalInt.of(0)
                        : OptionalInt.of((int) unsigned(n, "FwMark", value));
                    once(n, "FwMark");
                }
                default -> throw new Problem(n, "unknown key '" + key
                    + "' in [Interface] (supported: PrivateKey, Address, ListenPort, MTU, FwMark)");
            }
        }

        private void peerKey(int n, String key, String value) throws Problem {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "publickey" -> {
                    peerKey = key(n, "PublicKey", value);
                    once(n, "PublicKey");
                    if (!peerKeys.add(peerKey)) {
                        throw new Problem(n, "this PublicKey already belongs to an earlier [Peer]");
                    }
                }
                case "presharedkey" -> {
                    psk = Optional.of(key(n, "PresharedKey", value));
                    once(n, "PresharedKey");
                }
                case "allowedips" -> {
                    for (String item : list(n, "AllowedIPs", value)) {
                        IpPrefix p = Optional.ofNullable(IpPrefix.tryParse(item.strip())).orElseThrow(() -> new Problem(n,
                            "AllowedIPs entry '" + item + "' is not an IPv4 or IPv6 prefix like 10.0.0.0/24 or fd00::/64"));
                        allowed.add(p.network());
                    }
                }
                case "endpoint" -> {
                    endpoint = Optional.of(PeerEndpoint.parse(value).orElseThrow(() -> new Problem(n,
                        "Endpoint '" + value + "' is not host:port or [IPv6]:port with a port from 1 to 65535")));
                    once(n, "Endpoint");
                }
                case "persistentkeepalive" -> {
                    keepalive = OptionalInt.of(value.equalsIgnoreCase("off") ? 0
                        : number(n, "PersistentKeepalive", value, 0, 65535));
                    once(n, "PersistentKeepalive");
                }
                default -> throw new Problem(n, "unknown key '" + key
                    + "' in [Peer] (supported: PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive)");
            }
        }

        private void finishPeer() throws Problem {
            if (section != Section.PEER) {
                return;
            }
            if (peerKey == null) {
                throw new Problem(peerLine, "[Peer] has no PublicKey");
            }
            peers.add(new PeerSection(peerKey, psk, allowed, endpoint, keepalive));
            section = Section.NONE;
        }

        private static List<String> list(int n, String key, String value) throws Problem {
            List<String> items = new ArrayList<>();
            for (String item : value.split(",", -1)) {
                String s = item.strip();
                if (s.isEmpty()) {
                    throw new Problem(n, key + " has an empty entry in its comma-separated list");
                }
                items.add(s);
            }
            return items;
        }

        private static WireGuardKey key(int n, String name, String value) throws Problem {
            if (value.length() == 44 && value.endsWith("=")) {
                try {
                    return WireGuardKey.fromBase64(value);
                } catch (IllegalArgumentException e) {
                    // Reported below with the same sentence as any other malformed key.
                }
            }
            throw new Problem(n,
                name + " is not a WireGuard key (44 characters of base64 encoding 32 bytes, as 'wg genkey' prints)");
        }

        private static int number(int n, String name, String value, int min, int max) throws Problem {
            if (value.isEmpty() || value.length() > 6 || !value.chars().allMatch(Character::isDigit)) {
                throw new Problem(n, name + " '" + value + "' is not a number");
            }
            int v = Integer.parseInt(value);
            if (v < min || v > max) {
                throw new Problem(n, name + " " + v + " is out of range (" + min + " to " + max + ")");
            }
            return v;
        }

        private static long unsigned(int n, String name, String value) throws Problem {
            try {
                long v = value.startsWith("0x") ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value);
                if (v < 0 || v > 0xFFFF_FFFFL) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new Problem(n, name + " '" + value + "' is not a 32-bit number");
            }
        }
    }
}
