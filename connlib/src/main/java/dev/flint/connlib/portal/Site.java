package dev.flint.connlib.portal;

import java.util.Objects;
import java.util.UUID;

/** A site (formerly "gateway group"): the set of gateways that can serve a resource. */
public record Site(UUID id, String name) {

    public Site {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
