/**
 * The STUN message codec (RFC 8489) with the attributes Firezone's relays and ICE agents use,
 * MESSAGE-INTEGRITY (short- and long-term keys) and FINGERPRINT. Decoding never throws: malformed
 * bytes come back as a value naming the field.
 */
package dev.flint.connlib.stun;
