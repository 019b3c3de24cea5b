package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import java.util.UUID;

/**
 * A resource as the GUI shows it. The service sends them in display order (Internet Resource
 * first, then by name, then by id); the GUI keeps that order.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(ResourceView.Dns.class),
    @JsonSubTypes.Type(ResourceView.Cidr.class),
    @JsonSubTypes.Type(ResourceView.Internet.class)
})
public sealed interface ResourceView {
    UUID id();

    String name();

    List<Site> sites();

    ResourceStatus status();

    /** A resource addressed by a DNS name or pattern, e.g. {@code gitlab.example.com} or {@code *.example.com}. */
    @JsonTypeName("dns")
    record Dns(UUID id, String address, String name, String addressDescription, List<Site> sites, ResourceStatus status)
            implements ResourceView {
        public Dns {
            InvalidFieldException.requireNonNull(id, "id");
            InvalidFieldException.requireNonBlank(address, "address");
            InvalidFieldException.requireNonNull(name, "name");
            sites = InvalidFieldException.requireElements(sites, "sites");
            InvalidFieldException.requireNonNull(status, "status");
        }
    }

    /** A resource addressed by an IP network, e.g. {@code 10.0.0.0/16}. */
    @JsonTypeName("cidr")
    record Cidr(UUID id, String address, String name, String addressDescription, List<Site> sites, ResourceStatus status)
            implements ResourceView {
        public Cidr {
            InvalidFieldException.requireNonNull(id, "id");
            InvalidFieldException.requireNonBlank(address, "address");
            if (address.indexOf('/') < 0) {
                throw new InvalidFieldException("address", "is not an IP network (no prefix length)");
            }
            InvalidFieldException.requireNonNull(name, "name");
            sites = InvalidFieldException.requireElements(sites, "sites");
            InvalidFieldException.requireNonNull(status, "status");
        }
    }

    /** The Internet Resource: all traffic not covered by another resource. */
    @JsonTypeName("internet")
    record Internet(UUID id, String name, List<Site> sites, ResourceStatus status) implements ResourceView {
        public Internet {
            InvalidFieldException.requireNonNull(id, "id");
            InvalidFieldException.requireNonNull(name, "name");
            sites = InvalidFieldException.requireElements(sites, "sites");
            InvalidFieldException.requireNonNull(status, "status");
        }
    }
}
