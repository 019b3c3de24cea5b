package dev.flint.devstack.portal;

import java.time.Instant;
import java.util.UUID;

/** An authorization a gateway confirmed: the client (of that user) may reach the resource until {@code expiresAt}. */
public record Grant(UUID clientId, UUID userId, UUID resourceId, UUID gatewayId, Instant expiresAt) {
}
