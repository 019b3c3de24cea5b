package dev.flint.connlib.wireguard;

/** Why the engine dropped an incoming datagram. Every drop is counted under its reason. */
public enum DropReason {
    /** Shorter than the smallest message of its type (or than 4 bytes). */
    TOO_SHORT,
    /** A handshake or cookie message whose length is not exactly its fixed size. */
    WRONG_LENGTH,
    /** The little-endian type word is not 1, 2, 3 or 4 (the three reserved bytes must be zero). */
    UNKNOWN_TYPE,
    /** MAC1 does not match our public key. */
    INVALID_MAC1,
    /** Under load and MAC2 missing or stale: a cookie reply was queued instead. */
    COOKIE_REQUIRED,
    /** The initiation's static key or timestamp, or the response's empty payload, failed to decrypt. */
    HANDSHAKE_DECRYPTION_FAILED,
    /** The initiation came from a public key that is not one of our peers. */
    UNKNOWN_PEER,
    /** The initiation's TAI64N timestamp is not later than the last one accepted from that peer. */
    REPLAYED_TIMESTAMP,
    /** A second initiation from the same peer within 20 ms. */
    HANDSHAKE_FLOOD,
    /** A Diffie-Hellman result was all zeros (a low-order point). */
    LOW_ORDER_KEY,
    /** The receiver index names no handshake or session of ours. */
    UNKNOWN_RECEIVER_INDEX,
    /** A response for a handshake that is not waiting for one. */
    UNEXPECTED_RESPONSE,
    /** A cookie reply that does not decrypt against our last MAC1. */
    INVALID_COOKIE_REPLY,
    /** Data for a session older than REJECT_AFTER_TIME. */
    SESSION_EXPIRED,
    /** Data whose counter was already received or is too old for the replay window. */
    REPLAYED_COUNTER,
    /** Data that fails authentication. */
    DATA_AUTHENTICATION_FAILED,
    /** Decrypted data that is not a well-formed IPv4 or IPv6 packet. */
    INVALID_INNER_PACKET,
    /** The caller's output buffer cannot hold the plaintext. */
    OUTPUT_BUFFER_TOO_SMALL
}
