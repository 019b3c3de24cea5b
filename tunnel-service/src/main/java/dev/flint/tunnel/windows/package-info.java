/**
 * Windows pieces behind the shared interfaces: NRPT DNS control over the registry. Compiled and
 * unit-tested against an in-memory registry; not yet run on Windows.
 */
package dev.flint.tunnel.windows;
