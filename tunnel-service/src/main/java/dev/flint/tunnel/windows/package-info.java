/**
 * Windows pieces behind the shared interfaces: the Wintun device and adapter (addresses, routes,
 * MTU through the IP Helper API), NRPT DNS control, and the service under the SCM. Each native API
 * sits behind a small interface; compiled and unit-tested with fakes on Linux, not yet run on Windows.
 */
package dev.flint.tunnel.windows;
