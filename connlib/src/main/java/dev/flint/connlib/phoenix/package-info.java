/**
 * Phoenix channels, sans-IO: the V1 object and V2 array frame codec, the client channel state machine Firezone's
 * connlib runs (join, heartbeat, rejoin, backoff, sign-out rules) and the server end a portal emulator runs.
 */
package dev.flint.connlib.phoenix;
