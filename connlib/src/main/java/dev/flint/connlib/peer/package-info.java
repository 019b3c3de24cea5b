/**
 * Per-peer connections over one UDP socket, as Firezone's snownet {@code Node}: ICE, TURN and
 * WireGuard combined, every incoming datagram demultiplexed, sans-IO.
 */
package dev.flint.connlib.peer;
