package dev.flint.connlib.tunnel;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Name resolution on the gateway's network, injected by the shell (the host's resolvers in production). */
public interface GatewayResolver {
    /** A and AAAA records of {@code domain}; empty when it does not resolve. */
    List<InetAddress> resolve(String domain);

    /** Forwards a raw DNS query (for the in-tunnel DNS server on port 53535); empty on failure. */
    Optional<byte[]> forward(byte[] query);
}
