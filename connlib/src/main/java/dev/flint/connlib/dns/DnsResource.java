package dev.flint.connlib.dns;

import dev.flint.connlib.portal.IpStack;

import java.util.UUID;

/** What the stub resolver needs to know about a DNS resource. */
public record DnsResource(UUID id, DomainPattern pattern, IpStack ipStack) {}
