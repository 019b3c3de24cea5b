/**
 * Linux IO: the TUN device, rtnetlink (links, addresses, routes) and the batched UDP socket. Native
 * calls stay inside small typed facades here; nothing above sees a pointer.
 */
package dev.flint.shell.linux;
