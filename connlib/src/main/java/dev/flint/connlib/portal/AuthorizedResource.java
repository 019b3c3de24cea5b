package dev.flint.connlib.portal;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The resource authorizing an inbound client-to-client connection, as the receiver reads it: only the id
 * and the filters matter; the other resource fields the portal includes are not kept.
 */
public record AuthorizedResource(UUID id, List<Filter> filters) {

    public AuthorizedResource {
        Objects.requireNonNull(id, "id");
        filters = List.copyOf(filters);
    }
}
