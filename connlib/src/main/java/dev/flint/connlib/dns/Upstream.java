package dev.flint.connlib.dns;

import java.net.InetAddress;

/** A resolver non-resource queries are recursed to. */
public sealed interface Upstream {
    /** Plain DNS on port 53; {@code fromPortal} distinguishes configured upstreams from the system's. */
    record Do53(InetAddress address, boolean fromPortal) implements Upstream {}

    /** DNS over HTTPS (RFC 8484 GET). */
    record DoH(String url) implements Upstream {}
}
