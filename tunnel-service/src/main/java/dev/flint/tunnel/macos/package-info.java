/**
 * macOS pieces behind the shared interfaces: the utun device over a kernel-control socket, its
 * addresses and routes with {@code ifconfig}/{@code route}, and DNS through {@code scutil}.
 * Compiled and unit-tested with an in-memory kernel and recorded commands; not yet run on macOS.
 */
package dev.flint.tunnel.macos;
