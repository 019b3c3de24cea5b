package dev.flint.connlib.ice;

/** What an {@link IceAgent} reports. */
public sealed interface IceEvent {
    /** A (new) pair was nominated; send application data on it from now on. May fire repeatedly. */
    record Nominated(NominatedPair pair) implements IceEvent {
    }

    record StateChanged(IceConnectionState state) implements IceEvent {
    }

    /** The role flipped after an ICE role conflict (RFC 8445 §7.3.1.1). */
    record RoleChanged(IceRole role) implements IceEvent {
    }
}
