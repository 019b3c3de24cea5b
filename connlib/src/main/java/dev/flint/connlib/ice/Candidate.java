package dev.flint.connlib.ice;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * An ICE candidate. {@code base} is where packets for it really leave from (for a relayed
 * candidate: the host address that talks to the relay); {@code related} is the optional
 * raddr/rport of the SDP form, which Flint, like str0m, does not reveal for its own candidates.
 */
public record Candidate(CandidateType type, InetSocketAddress address, InetSocketAddress base,
                        InetSocketAddress related, long priority, String foundation) {
    public static final int COMPONENT = 1;

    public Candidate {
        if (address == null || address.isUnresolved() || type == null || base == null) {
            throw new IllegalArgumentException("candidate needs a type and resolved addresses");
        }
        if (priority < 0 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("priority out of range");
        }
    }

    public static Candidate host(InetSocketAddress address) {
        return local(CandidateType.HOST, address, address);
    }

    public static Candidate serverReflexive(InetSocketAddress address, InetSocketAddress base) {
        return local(CandidateType.SERVER_REFLEXIVE, address, base);
    }

    public static Candidate relayed(InetSocketAddress address, InetSocketAddress base) {
        return local(CandidateType.RELAYED, address, base);
    }

    static Candidate peerReflexive(InetSocketAddress address, InetSocketAddress base, long priority) {
        return new Candidate(CandidateType.PEER_REFLEXIVE, address, base, null, priority,
                foundation(CandidateType.PEER_REFLEXIVE, base));
    }

    private static Candidate local(CandidateType type, InetSocketAddress address, InetSocketAddress base) {
        return new Candidate(type, address, base, null, priority(type, address), foundation(type, base));
    }

    /** RFC 8445 §5.1.2.1, with IPv6 ahead of IPv4 in the local preference. */
    public static long priority(CandidateType type, InetSocketAddress address) {
        long localPreference = address.getAddress() instanceof Inet6Address ? 65535 : 65534;
        return ((long) type.typePreference() << 24) | (localPreference << 8) | (256 - COMPONENT);
    }

    private static String foundation(CandidateType type, InetSocketAddress base) {
        long h = 0xcbf29ce484222325L;
        byte[] in = (type.sdpName() + "/" + base.getAddress().getHostAddress() + "/udp").getBytes(StandardCharsets.UTF_8);
        for (byte b : in) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return Long.toUnsignedString(h);
    }

    public boolean sameFamily(Candidate other) {
        return (address.getAddress() instanceof Inet6Address) == (other.address.getAddress() instanceof Inet6Address);
    }

    /** The SDP attribute form Firezone exchanges through the portal, without the {@code a=} prefix. */
    public String toSdp() {
        StringBuilder b = new StringBuilder("candidate:").append(foundation).append(' ').append(COMPONENT)
                .append(" udp ").append(priority).append(' ').append(address.getAddress().getHostAddress())
                .append(' ').append(address.getPort()).append(" typ ").append(type.sdpName());
        if (related != null) {
            b.append(" raddr ").append(related.getAddress().getHostAddress()).append(" rport ").append(related.getPort());
        }
        return b.toString();
    }

    /** Parsing outcome: a candidate, or which field of the string was wrong. */
    public sealed interface ParseResult {
        record Parsed(Candidate candidate) implements ParseResult {
        }

        record Invalid(String field, String reason) implements ParseResult {
        }
    }

    /**
     * Parses {@code candidate:<foundation> 1 udp <priority> <ip> <port> typ <type> [raddr <ip> rport <port>] ...};
     * unknown trailing extension pairs (generation, network-id, ...) are ignored.
     */
    public static ParseResult parse(String sdp) {
        if (sdp == null) {
            return new ParseResult.Invalid("candidate", "missing");
        }
        String s = sdp.strip();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (!s.startsWith("candidate:")) {
            return new ParseResult.Invalid("candidate", "does not start with 'candidate:'");
        }
        String[] f = s.substring("candidate:".length()).split("\\s+");
        if (f.length < 8) {
            return new ParseResult.Invalid("candidate", "expected at least 8 fields");
        }
        String foundation = f[0];
        if (foundation.isEmpty() || foundation.length() > 32) {
            return new ParseResult.Invalid("foundation", "must be 1-32 characters");
        }
        if (!f[1].equals("1")) {
            return new ParseResult.Invalid("component", "only component 1 is used");
        }
        if (!f[2].equalsIgnoreCase("udp")) {
            return new ParseResult.Invalid("transport", "only udp is supported");
        }
        long priority = parseUnsigned(f[3], 0xFFFFFFFFL);
        if (priority < 0) {
            return new ParseResult.Invalid("priority", "not an unsigned 32-bit integer");
        }
        InetAddress ip = parseIp(f[4]);
        if (ip == null) {
            return new ParseResult.Invalid("connection-address", "not an IP literal: " + f[4]);
        }
        long port = parseUnsigned(f[5], 65535);
        if (port <= 0) {
            return new ParseResult.Invalid("port", "not a port: " + f[5]);
        }
        if (!f[6].equals("typ")) {
            return new ParseResult.Invalid("typ", "expected 'typ'");
        }
        CandidateType type = CandidateType.ofSdpName(f[7]);
        if (type == null) {
            return new ParseResult.Invalid("cand-type", "unknown type " + f[7]);
        }
        InetAddress raddr = null;
        long rport = -1;
        for (int i = 8; i + 1 < f.length; i += 2) {
            switch (f[i]) {
                case "raddr" -> {
                    raddr = parseIp(f[i + 1]);
                    if (raddr == null) {
                        return new ParseResult.Invalid("raddr", "not an IP literal: " + f[i + 1]);
                    }
                }
                case "rport" -> {
                    rport = parseUnsigned(f[i + 1], 65535);
                    if (rport < 0) {
                        return new ParseResult.Invalid("rport", "not a port: " + f[i + 1]);
                    }
                }
                default -> {
                    // extension attribute, ignored
                }
            }
        }
        if ((raddr == null) != (rport < 0)) {
            return new ParseResult.Invalid("raddr", "raddr and rport come together");
        }
        InetSocketAddress address = new InetSocketAddress(ip, (int) port);
        InetSocketAddress related = raddr == null ? null : new InetSocketAddress(raddr, (int) rport);
        return new ParseResult.Parsed(new Candidate(type, address, related == null ? address : related, related,
                priority, foundation));
    }

    private static long parseUnsigned(String s, long max) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > max ? -1 : v;
    }

    /** Literal addresses only: a host name here must never cause a DNS lookup. */
    static InetAddress parseIp(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return null;
                }
            }
            try {
                // With a ':' present the JDK parses an IPv6 literal and never resolves.
                return InetAddress.getByName(s);
            } catch (UnknownHostException | RuntimeException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].length() > 3) {
                return null;
            }
            long v = parseUnsigned(parts[i], 255);
            if (v < 0) {
                return null;
            }
            b[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return type.sdpName() + " " + address + (base.equals(address) ? "" : " (base " + base + ")");
    }
}
