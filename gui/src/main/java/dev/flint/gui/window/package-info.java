/**
 * The JavaFX main window (AtlantaFX styling): Overview with the searchable resource list, General and
 * Advanced settings, Diagnostics and About. Pages only draw {@link dev.flint.gui.controller.UiState}
 * and send events; the shell does the work.
 */
package dev.flint.gui.window;
