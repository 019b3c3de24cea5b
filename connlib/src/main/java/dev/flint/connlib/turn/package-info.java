/**
 * The TURN client: allocations, permissions, channel bindings and ChannelData framing, sans-IO.
 */
package dev.flint.connlib.turn;
