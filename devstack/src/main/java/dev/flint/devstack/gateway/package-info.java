/**
 * The devstack gateway: a Firezone-compatible gateway built from connlib's {@code GatewayState} and
 * {@code PeerNode}, driven by the io-shell (portal WebSocket, peer sockets, a Linux TUN), forwarding
 * authorized client traffic to the resource network with nftables masquerading.
 */
package dev.flint.devstack.gateway;
