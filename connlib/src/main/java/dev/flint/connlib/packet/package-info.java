/**
 * IPv4, IPv6, UDP, TCP and ICMP parsing and building. Malformed bytes parse to a {@link
 * dev.flint.connlib.packet.ParseResult.Malformed} naming the field; rewriting keeps checksums right incrementally.
 */
package dev.flint.connlib.packet;
