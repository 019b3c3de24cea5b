/**
 * Logging set-up shared by both processes: rotating files with a total size cap and a level that can change at run time.
 */
package dev.flint.ipc.logging;
