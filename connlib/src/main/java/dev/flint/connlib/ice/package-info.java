/**
 * The ICE agent (RFC 8445, controlling and controlled) with trickle, str0m's nomination and timing
 * as Firezone configures it, and candidates in the SDP attribute form the portal relays. Sans-IO.
 */
package dev.flint.connlib.ice;
