/**
 * The value types every engine and shell shares at the network boundary: IP prefixes, strict IP literals with the
 * one RFC 5952 formatter, and the datagram an engine asks to have sent. Pure values, nothing else of Flint.
 */
package dev.flint.connlib.net;
