/**
 * macOS pieces behind the shared interfaces: DNS control through {@code scutil}. Compiled and
 * unit-tested with a recording stand-in for {@code scutil}; not yet run on macOS.
 */
package dev.flint.tunnel.macos;
