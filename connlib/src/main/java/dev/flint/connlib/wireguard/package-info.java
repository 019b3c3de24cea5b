/**
 * WireGuard as a sans-IO engine: the Noise IKpsk2 handshake, cookies, transport data and the whitepaper's timers.
 * {@link dev.flint.connlib.wireguard.WireGuardNode} owns the static key and the {@link
 * dev.flint.connlib.wireguard.WireGuardPeer}s; its allocation-free {@code encrypt}/{@code decrypt} may run on
 * several threads at once, everything else is polled by one control thread (see the node's class comment).
 */
package dev.flint.connlib.wireguard;
