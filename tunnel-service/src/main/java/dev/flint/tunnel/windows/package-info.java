/**
 * The service on Windows ({@link dev.flint.tunnel.windows.WindowsServiceOs}): the Wintun adapter's
 * addresses, routes and MTU through the IP Helper API, NRPT DNS control, the named pipe with the
 * client's image checked, IP Helper change notifications, and the SCM. Each native API sits behind a
 * small interface; compiled and unit-tested with fakes on Linux, not yet run on Windows.
 */
package dev.flint.tunnel.windows;
