package dev.flint.tunnel.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Points the operating system's resolver at the tunnel's DNS servers and takes that back. Every
 * implementation must make {@link #deactivate()} safe to call at any time, any number of times,
 * including in a fresh process after a crash (it restores from what {@link #activate} saved).
 */
public interface DnsControl {

    /** Which mode this is, as written to the cleanup journal. */
    DnsMode mode();

    /**
     * Routes all name lookups (or those under {@code searchDomain} when the OS supports split DNS)
     * to {@code servers} on {@code interfaceName}.
     */
    void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain) throws IOException;

    /** Restores the resolver configuration that was in place before {@link #activate}. */
    void deactivate() throws IOException;

    /**
     * The resolvers the system used before {@link #activate} (or would use now, had Flint not taken over),
     * where non-resource queries are recursed to; empty when they cannot be told.
     */
    default List<InetAddress> systemResolvers() {
        return List.of();
    }
}
