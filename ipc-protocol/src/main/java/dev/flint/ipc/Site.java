package dev.flint.ipc;

import java.util.UUID;

/** A site (a group of gateways) through which a resource is reachable. */
public record Site(UUID id, String name) {
    public Site {
        InvalidFieldException.requireNonNull(id, "id");
        InvalidFieldException.requireNonNull(name, "name");
    }
}
