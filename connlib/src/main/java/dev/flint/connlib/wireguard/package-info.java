/**
 * WireGuard: the Noise IKpsk2 handshake, transport data, cookies and the whitepaper's timers, as a sans-IO engine.
 */
package dev.flint.connlib.wireguard;
