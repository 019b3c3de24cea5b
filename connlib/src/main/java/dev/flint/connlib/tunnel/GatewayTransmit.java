package dev.flint.connlib.tunnel;

import java.util.UUID;

/** An IP packet to send through the tunnel to a peer (gateway, or client on the gateway side). */
public record GatewayTransmit(UUID peer, byte[] packet) {}
