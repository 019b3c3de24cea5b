package dev.flint.connlib.tunnel;

import dev.flint.connlib.packet.IpPacket;
import dev.flint.connlib.packet.IpProtocol;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's per-client DNS-resource NAT (reference §5.3 step 6): inside = (protocol, client's source port or
 * ICMP identifier, proxy IP), outside = (protocol, possibly different port/identifier, real IP). The outside id is
 * the first free one starting at the inside id, so it is preserved unless two proxy IPs resolve to the same real IP.
 */
public final class NatTable {
    public static final Duration TCP_TTL = Duration.ofHours(2).plusMinutes(4);
    public static final Duration UDP_TTL = Duration.ofSeconds(120);
    public static final Duration ICMP_TTL = Duration.ofSeconds(120);
    public static final Duration UNCONFIRMED_TTL = Duration.ofSeconds(60);
    public static final Duration FIN_TTL = Duration.ofSeconds(5);

    /** Protocol is normalised so ICMP and ICMPv6 share a namespace per family anyway (addresses differ). */
    public record Inside(int protocol, int l4Id, InetAddress proxyIp) {}

    public record Outside(int protocol, int l4Id, InetAddress realIp) {}

    private static final class Entry {
        final Inside inside;
        final Outside outside;
        Instant lastSeen;
        boolean confirmed;
        boolean finInside;
        boolean finOutside;
        boolean reset;

        Entry(Inside inside, Outside outside, Instant now) {
            this.inside = inside;
            this.outside = outside;
            this.lastSeen = now;
        }
    }

    private final Map<Inside, Entry> byInside = new HashMap<>();
    private final Map<Outside, Entry> byOutside = new HashMap<>();

    /** Rewrites an outbound packet (destination proxy IP) to {@code realIp}, allocating the session if new. */
    public Outside translateOutbound(IpPacket p, InetAddress realIp, Instant now) {
        int proto = p.protocol();
        Inside in = new Inside(proto, p.sourceL4Id(), p.destination());
        Entry e = byInside.get(in);
        if (e != null && (!e.outside.realIp().equals(realIp) || expired(e, now))) {
            remove(e);
            e = null;
        }
        if (e == null) {
            int id = in.l4Id();
            Outside out = null;
            for (int i = 0; i <= 0xFFFF; i++) {
                Outside candidate = new Outside(proto, (id + i) & 0xFFFF, realIp);
                Entry existing = byOutside.get(candidate);
                if (existing == null || expired(existing, now)) {
                    if (existing != null) {
                        remove(existing);
                    }
                    out = candidate;
                    break;
                }
            }
            if (out == null) {
                return null; // all 65536 ids towards this real IP are taken
            }
            e = new Entry(in, out, now);
            byInside.put(in, e);
            byOutside.put(out, e);
        }
        e.lastSeen = now;
        if (p.isTcp()) {
            e.finInside |= (p.tcpFlags() & IpPacket.TCP_FIN) != 0;
            e.reset |= (p.tcpFlags() & IpPacket.TCP_RST) != 0;
        }
        p.setDestination(realIp);
        if (e.outside.l4Id() != in.l4Id()) {
            p.setSourceL4Id(e.outside.l4Id());
        }
        return e.outside;
    }

    /** Rewrites a reply from the real IP back to the proxy IP and original port; empty if no session. */
    public Optional<Inside> translateInbound(IpPacket p, Instant now) {
        Entry e = byOutside.get(new Outside(p.protocol(), p.destinationL4Id(), p.source()));
        if (e == null || expired(e, now)) {
            return Optional.empty();
        }
        e.lastSeen = now;
        e.confirmed = true;
        if (p.isTcp()) {
            e.finOutside |= (p.tcpFlags() & IpPacket.TCP_FIN) != 0;
            e.reset |= (p.tcpFlags() & IpPacket.TCP_RST) != 0;
        }
        p.setSource(e.inside.proxyIp());
        if (e.inside.l4Id() != e.outside.l4Id()) {
            p.setDestinationL4Id(e.inside.l4Id());
        }
        return Optional.of(e.inside);
    }

    /** The session an outbound packet quoted in an ICMP error belongs to (looked up by its outside identity). */
    public Optional<Inside> lookupOutside(int protocol, int l4Id, InetAddress realIp, Instant now) {
        Entry e = byOutside.get(new Outside(protocol, l4Id, realIp));
        return e == null || expired(e, now) ? Optional.empty() : Optional.of(e.inside);
    }

    public void expire(Instant now) {
        byInside.values().stream().filter(e -> expired(e, now)).toList().forEach(this::remove);
    }

    public Instant nextExpiry() {
        return byInside.values().stream().map(this::expiry).min(Instant::compareTo).orElse(null);
    }

    public int size() {
        return byInside.size();
    }

    public void clear() {
        byInside.clear();
        byOutside.clear();
    }

    private boolean expired(Entry e, Instant now) {
        return !now.isBefore(expiry(e));
    }

    private Instant expiry(Entry e) {
        if (e.reset) {
            return e.lastSeen;
        }
        if (e.finInside && e.finOutside) {
            return e.lastSeen.plus(FIN_TTL);
        }
        if (!e.confirmed) {
            return e.lastSeen.plus(UNCONFIRMED_TTL);
        }
        return e.lastSeen.plus(switch (e.inside.protocol()) {
            case IpProtocol.TCP -> TCP_TTL;
            case IpProtocol.UDP -> UDP_TTL;
            default -> ICMP_TTL;
        });
    }

    private void remove(Entry e) {
        byInside.remove(e.inside);
        byOutside.remove(e.outside);
    }
}
