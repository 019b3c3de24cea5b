/**
 * DNS for the tunnel: the message codec (compression, EDNS0, truncation), resource pattern matching with Firezone's
 * specificity order, proxy-address allocation, the sentinel-to-upstream map and the client's stub resolver.
 * Everything here is pure: no sockets, no clock.
 */
package dev.flint.connlib.dns;
