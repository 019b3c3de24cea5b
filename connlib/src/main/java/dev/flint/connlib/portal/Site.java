package dev.flint.connlib.portal;

import java.util.Objects;
import java.util.UUID;

/**
 * A site (formerly "gateway group"): the set of gateways that can serve a resource.
 *
 * <p>Two sites are the same site when their ids are equal, whatever their names: connlib's {@code Site}
 * implements {@code PartialEq} and {@code Hash} on the id alone, so a site the portal renames is not a
 * change of addressing and its resources stay as they are.
 */
public record Site(UUID id, String name) {

    public Site {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Site other && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
