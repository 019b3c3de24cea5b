package dev.flint.connlib.ice;

/** Firezone clients are controlling towards gateways; gateways are controlled. */
public enum IceRole {
    CONTROLLING,
    CONTROLLED;

    IceRole other() {
        return this == CONTROLLING ? CONTROLLED : CONTROLLING;
    }
}
