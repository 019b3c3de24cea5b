/**
 * The tray: a toolkit-free menu model built from {@link dev.flint.gui.controller.UiState}, and the
 * backends that show it (StatusNotifierItem over D-Bus on Linux, AWT elsewhere, none at all).
 */
package dev.flint.gui.tray;
