package dev.flint.connlib.portal;

import dev.flint.connlib.net.IpPrefix;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** A resource as the portal describes it to a gateway; there is no unknown-type fallback on this side. */
public sealed interface GatewayResource {

    UUID id();

    record Dns(UUID id, String address, String name, List<Filter> filters) implements GatewayResource {
        public Dns {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(name, "name");
            filters = List.copyOf(filters);
        }
    }

    record Cidr(UUID id, IpPrefix address, String name, List<Filter> filters) implements GatewayResource {
        public Cidr {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(name, "name");
            filters = List.copyOf(filters);
        }
    }

    record Internet(UUID id) implements GatewayResource {
        public Internet {
            Objects.requireNonNull(id, "id");
        }
    }
}
