/**
 * ClientState and GatewayState: resources, routing, filters, authorizations, proxy-IP NAT and the p2p control protocol.
 */
package dev.flint.connlib.tunnel;
