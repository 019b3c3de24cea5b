/**
 * The Windows named-pipe transport: pipe instances protected by an explicit DACL, overlapped I/O so
 * one thread can read while another writes, and the connecting client's process and session ids.
 */
package dev.flint.ipc.transport.windows;
