/**
 * The service on macOS ({@link dev.flint.tunnel.macos.MacServiceOs}): the utun interface's addresses
 * and routes with {@code ifconfig}/{@code route}, DNS through {@code scutil}, the peer's executable
 * from the process table, a routing socket for network changes, launchd. Compiled and unit-tested
 * with an in-memory kernel and recorded commands; not yet run on macOS.
 */
package dev.flint.tunnel.macos;
