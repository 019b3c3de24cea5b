package dev.flint.connlib.portal;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A currently valid inbound authorization, listed in {@code init} so the receiver can drop all others. */
public record Authorization(UUID clientId, UUID resourceId, Instant expiresAt) {

    public Authorization {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
