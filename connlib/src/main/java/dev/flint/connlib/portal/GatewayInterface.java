package dev.flint.connlib.portal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;

/** The gateway's tunnel addresses. */
public record GatewayInterface(Inet4Address ipv4, Inet6Address ipv6) {

    public GatewayInterface {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
    }
}
