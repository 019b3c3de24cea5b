package dev.flint.connlib.tunnel.sim;

/**
 * One step of a generated sequence. Selectors are reduced modulo whatever list they index at run time; {@code who}
 * selects the client a per-device step acts for.
 */
sealed interface Transition {
    record AddDnsResource(int slot, int pattern, boolean siteB, int filters, int stack) implements Transition {}

    record AddCidrResource(int cidr, int filters) implements Transition {}

    record AddInternetResource() implements Transition {}

    record RemoveResource(int selector) implements Transition {}

    record ChangeFilters(int selector, int filters) implements Transition {}

    /** Moves a DNS resource to the other site (the portal deletes and re-creates it). */
    record MoveDnsResource(int selector) implements Transition {}

    record ToggleInternet(int who) implements Transition {
        ToggleInternet() {
            this(0);
        }
    }

    record DnsQuery(int name, int qtype, boolean tcp, boolean v6Sentinel, int who) implements Transition {
        DnsQuery(int name, int qtype, boolean tcp, boolean v6Sentinel) {
            this(name, qtype, tcp, v6Sentinel, 0);
        }
    }

    /** kind: 0 ICMP echo, 1 UDP 55, 2 UDP 9999, 3 TCP 80, 4 TCP 443. target: a proxy address or a fixed target. */
    record Probe(int target, int kind, int who) implements Transition {
        Probe(int target, int kind) {
            this(target, kind, 0);
        }
    }

    /** Switches between the system's resolvers and portal-configured Do53 ones (tunnelled while Internet is on). */
    record SetPortalDns(boolean on) implements Transition {}

    record Roam(int who) implements Transition {
        Roam() {
            this(0);
        }
    }

    record ReconnectPortal() implements Transition {}

    /** The gateway process restarts (with a new key), saying goodbye to its clients on the way out. */
    record RestartGateway(int gateway) implements Transition {}

    /** The gateway process dies and comes back (with a new key): clients notice only when ICE gives up. */
    record CrashGateway(int gateway) implements Transition {}

    /** Relays are below this layer: connections migrate and nothing observable may change. */
    record ChangeRelays() implements Transition {}

    record Idle(int seconds) implements Transition {}

    /** Hostile bytes from the TUN: random garbage, or a mangled DNS query to a sentinel. */
    record Garbage(long seed, boolean dns) implements Transition {}
}
