/**
 * Windows IO: the Wintun device and its DLL binding. Compiled and unit-tested with an in-memory
 * driver; not yet run on Windows.
 */
package dev.flint.shell.windows;
