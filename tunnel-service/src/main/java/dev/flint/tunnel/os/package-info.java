/**
 * The shape every OS fills in: the tunnel interface and its configuration, how the service manager
 * runs the service, and what the service asks of the network. No OS-specific call lives here.
 */
package dev.flint.tunnel.os;
