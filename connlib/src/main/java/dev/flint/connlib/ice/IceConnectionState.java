package dev.flint.connlib.ice;

/** Coarse agent state: checking until a pair is nominated, disconnected when no working pair is left. */
public enum IceConnectionState {
    CHECKING,
    CONNECTED,
    DISCONNECTED
}
