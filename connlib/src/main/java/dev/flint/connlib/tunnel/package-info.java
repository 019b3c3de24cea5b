/**
 * The sans-IO tunnel state: {@link dev.flint.connlib.tunnel.ClientState} (resources, routes, DNS, authorization,
 * DNS-resource NAT, filters) and {@link dev.flint.connlib.tunnel.GatewayState} (authorizations, NAT, filters), which
 * talk through the p2p control protocol. The connection layer below them is only seen as packets per peer.
 */
package dev.flint.connlib.tunnel;
