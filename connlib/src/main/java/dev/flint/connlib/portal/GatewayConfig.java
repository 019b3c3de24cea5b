package dev.flint.connlib.portal;

/** Masquerading flags of the gateway {@code init}: required on the wire, informational (the host does NAT). */
public record GatewayConfig(boolean ipv4MasqueradeEnabled, boolean ipv6MasqueradeEnabled) {
}
