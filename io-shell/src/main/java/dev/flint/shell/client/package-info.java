/**
 * The client with real IO: connlib's ClientState driven by the portal connection, the peer sockets, the
 * TUN device and upstream DNS, with no IPC and no OS configuration of its own.
 */
package dev.flint.shell.client;
