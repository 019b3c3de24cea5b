/**
 * Plain-WireGuard mode: the wg-quick configuration, cryptokey routing, the data-plane loop around
 * connlib's WireGuard engine and the cross-platform userspace API that {@code wg} talks to.
 */
package dev.flint.tunnel.wireguard;
