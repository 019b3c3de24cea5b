/**
 * The event loop: one thread that drives a sans-IO session with a UDP socket and a TUN device in batches, the way
 * every Flint tunnel (client, devstack gateway) runs.
 */
package dev.flint.shell.engine;
