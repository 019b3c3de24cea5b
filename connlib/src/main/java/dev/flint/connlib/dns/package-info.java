/**
 * The DNS message codec, resource pattern matching and the client's stub resolver.
 */
package dev.flint.connlib.dns;
