/**
 * The STUN message codec (RFC 8489) with the attributes TURN and ICE use.
 */
package dev.flint.connlib.stun;
