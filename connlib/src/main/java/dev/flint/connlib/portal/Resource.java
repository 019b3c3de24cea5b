package dev.flint.connlib.portal;

import dev.flint.connlib.net.IpPrefix;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A resource as the portal describes it to a client (tagged by {@code type}). Unknown types never reach
 * this model: the codec drops them one by one.
 */
public sealed interface Resource {

    UUID id();

    /** DNS resource: a name pattern resolved on the client to proxy IPs. */
    record Dns(UUID id, String address, String addressDescription, String name, IpStack ipStack,
               List<Site> sites, List<Filter> filters) implements Resource {
        public Dns {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(name, "name");
            sites = List.copyOf(sites);
            filters = List.copyOf(filters);
        }

        /** The stack to answer with; the portal omits {@code ip_stack} for the default, dual. */
        public IpStack effectiveIpStack() {
            return ipStack == null ? IpStack.DUAL : ipStack;
        }
    }

    /** CIDR resource (portal type {@code ip} arrives as a {@code /32} or {@code /128} CIDR). */
    record Cidr(UUID id, IpPrefix address, String addressDescription, String name,
                List<Site> sites, List<Filter> filters) implements Resource {
        public Cidr {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(name, "name");
            sites = List.copyOf(sites);
            filters = List.copyOf(filters);
        }
    }

    /** The Internet Resource; whether it is active is decided locally. */
    record Internet(UUID id, String name, Boolean canBeDisabled, List<Site> sites) implements Resource {
        public static final String DEFAULT_NAME = "Internet Resource";

        public Internet {
            Objects.requireNonNull(id, "id");
            sites = List.copyOf(sites);
        }

        public String displayName() {
            return name == null ? DEFAULT_NAME : name;
        }
    }

    /** Client-to-client: a fixed list of member devices. */
    record StaticDevicePool(UUID id, String name, List<PoolDevice> devices, List<Filter> filters)
        implements Resource {
        public StaticDevicePool {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            devices = List.copyOf(devices);
            filters = List.copyOf(filters);
        }
    }

    /** Client-to-client: members found by a name pattern resolved by the portal. */
    record DynamicDevicePool(UUID id, String name, String address, List<Filter> filters) implements Resource {
        public DynamicDevicePool {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            filters = List.copyOf(filters);
        }
    }
}
