/**
 * Crash-proof cleanup: a journal of what the service changed in the OS, written before each
 * change, and the repair that a later start runs from it.
 */
package dev.flint.tunnel.cleanup;
