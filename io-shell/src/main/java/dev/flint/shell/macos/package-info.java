/**
 * macOS IO: the utun device over a kernel-control socket. Compiled and unit-tested with an
 * in-memory kernel; not yet run on macOS.
 */
package dev.flint.shell.macos;
