package dev.flint.connlib.portal;

import java.util.List;

/** The outcome of decoding one portal message: bad input is a value, never an exception. */
public sealed interface Decoded<T extends PortalMessage> {

    /** Decoded; {@code dropped} lists the list elements that were malformed or of unknown type and left out. */
    record Ok<T extends PortalMessage>(T message, List<String> dropped) implements Decoded<T> {
        public Ok {
            dropped = List.copyOf(dropped);
        }
    }

    /** An event this direction does not know; callers log and skip it. */
    record UnknownEvent<T extends PortalMessage>(String event) implements Decoded<T> {
    }

    /** A known event whose payload is unusable; callers log and skip it. */
    record Invalid<T extends PortalMessage>(DecodeError error) implements Decoded<T> {
    }
}
