package dev.flint.connlib.tunnel;

/** How a DNS query reached a sentinel, and so how it is answered (UDP answers are truncated at 1212 bytes). */
public enum DnsTransport { UDP, TCP }
