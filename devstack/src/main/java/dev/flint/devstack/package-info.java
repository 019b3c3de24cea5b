/**
 * The devstack: a Firezone-compatible portal emulator, a gateway and the network-namespace topology for the demo and tests.
 */
package dev.flint.devstack;
