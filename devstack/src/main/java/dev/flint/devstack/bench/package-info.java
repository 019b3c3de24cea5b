/**
 * {@code flint bench}: iperf3, ping, CPU and memory of the product path (tunnel service, devstack gateway, relay)
 * next to a wireguard-go pair and the bare topology, on the devstack, in one command.
 */
package dev.flint.devstack.bench;
