/**
 * The GUI's brain without a toolkit: {@link dev.flint.gui.controller.Controller} takes
 * {@link dev.flint.gui.controller.ControllerEvent}s and emits {@link dev.flint.gui.controller.Effect}s that
 * the shell performs (IPC, browser, keyring, windows), plus a {@link dev.flint.gui.controller.UiState} to draw.
 */
package dev.flint.gui.controller;
