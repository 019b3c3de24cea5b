package dev.flint.connlib.dns;

import java.util.UUID;

/** What the stub resolver needs to know about a DNS resource. */
public record DnsResource(UUID id, DomainPattern pattern, IpStack ipStack) {}
