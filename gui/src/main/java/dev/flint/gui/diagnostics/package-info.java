/**
 * Diagnostics: counting, exporting and clearing both processes' log files, and a connectivity check
 * that says in plain words which step (service, name lookup, portal) fails.
 */
package dev.flint.gui.diagnostics;
