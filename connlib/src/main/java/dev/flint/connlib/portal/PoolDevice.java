package dev.flint.connlib.portal;

import dev.flint.connlib.net.IpPrefix;
import java.util.Objects;
import java.util.UUID;

/** A member of a static device pool; the portal sends its addresses with {@code /32} and {@code /128}. */
public record PoolDevice(UUID clientId, IpPrefix ipv4, IpPrefix ipv6) {

    public PoolDevice {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
    }
}
