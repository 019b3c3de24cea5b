/**
 * The TURN client, sans-IO, as Firezone's snownet allocation: BINDING for host and server-reflexive
 * candidates, ALLOCATE with long-term credentials, REFRESH, channel bindings and unpadded ChannelData.
 */
package dev.flint.connlib.turn;
