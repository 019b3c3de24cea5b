package dev.flint.connlib.stun;

/** What decoding a datagram as STUN produced: a message, or the reason it is not one. */
public sealed interface StunDecodeResult permits ReceivedStun, StunDecodeResult.Invalid {

    /** Not a valid STUN message; {@code field} names what was wrong. */
    record Invalid(String field, String reason) implements StunDecodeResult {
        @Override
        public String toString() {
            return field + ": " + reason;
        }
    }
}
