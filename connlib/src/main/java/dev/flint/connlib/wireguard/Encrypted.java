package dev.flint.connlib.wireguard;

/** What {@link WireGuardNode#encrypt} did with one IP packet. */
public enum Encrypted {
    /** A complete type-4 datagram was written to the output buffer (position advanced by its length). */
    SENT,
    /**
     * No usable session: nothing written, a handshake is requested (check {@link WireGuardNode#pollTimeout()}).
     * Queueing the packet until {@link WireGuardEvent.HandshakeCompleted} is the caller's choice.
     */
    NO_SESSION,
    /** The output buffer has less room than {@link WireGuardNode#encryptedLength(int)}; nothing written. */
    OUTPUT_BUFFER_TOO_SMALL
}
