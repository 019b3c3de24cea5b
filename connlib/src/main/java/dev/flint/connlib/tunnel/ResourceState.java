package dev.flint.connlib.tunnel;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Where one resource stands in {@link ClientState}, for status displays. A resource nobody used has no gateway,
 * nothing pending and no failure.
 *
 * @param resource              the resource id
 * @param gateway               the gateway it is authorized through, null if none
 * @param gatewayConnected      that gateway's connection is established (packets flow)
 * @param authorizationPending  a request for authorization is outstanding (packets wait for it)
 * @param lastFailure           what went wrong last since the last authorization, null if nothing
 * @param failedAt              when {@code lastFailure} happened, null with it
 */
public record ResourceState(UUID resource, UUID gateway, boolean gatewayConnected, boolean authorizationPending,
                            Failure lastFailure, Instant failedAt) {
    public ResourceState {
        Objects.requireNonNull(resource, "resource");
        if ((lastFailure == null) != (failedAt == null)) {
            throw new IllegalArgumentException("lastFailure and failedAt go together");
        }
    }

    /** Why a resource could not be reached. */
    public enum Failure {
        /** The portal refused the authorization ({@code authorization_creation_failed}). */
        AUTHORIZATION_FAILED,
        /** The connection to its gateway failed (ICE or WireGuard gave up). */
        CONNECTION_FAILED
    }
}
