/**
 * IPv4, IPv6, UDP, TCP and ICMP parsing and building over byte buffers, without allocation on the hot path.
 */
package dev.flint.connlib.packet;
