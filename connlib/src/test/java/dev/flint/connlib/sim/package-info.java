/**
 * A simulated UDP network in virtual time (hosts behind NATs, TURN relays, latency, loss), shared by the peer
 * scenarios and the tunnel simulation.
 */
package dev.flint.connlib.sim;
