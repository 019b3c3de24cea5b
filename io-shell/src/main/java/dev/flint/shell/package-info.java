/** Packet batches and the TUN device interface shared by every shell that runs connlib. */
package dev.flint.shell;
