/**
 * Linux pieces behind the OS shape: the TUN interface with policy routing, network changes from
 * rtnetlink, the peer check against {@code /proc}, and systemd's readiness protocol.
 */
package dev.flint.tunnel.linux;
