package dev.flint.connlib.portal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A relay entry (tagged by {@code type}). A dual-stack relay appears twice with the same id, once per
 * address family. Only TURN entries are usable; STUN entries are accepted and carried.
 */
public sealed interface Relay {

    UUID id();

    InetSocketAddress addr();

    record Turn(UUID id, InetSocketAddress addr, String username, String password, Instant expiresAt)
        implements Relay {
        public Turn {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(addr, "addr");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "Turn[id=" + id + ", addr=" + addr + ", username=" + username + ", expiresAt=" + expiresAt + "]";
        }
    }

    record Stun(UUID id, InetSocketAddress addr) implements Relay {
        public Stun {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(addr, "addr");
        }
    }
}
