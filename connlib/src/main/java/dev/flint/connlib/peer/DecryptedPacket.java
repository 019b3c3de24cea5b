package dev.flint.connlib.peer;

import java.util.UUID;

/** An IP packet that arrived through the WireGuard session of {@code connection}. */
public record DecryptedPacket(UUID connection, byte[] packet) {
}
