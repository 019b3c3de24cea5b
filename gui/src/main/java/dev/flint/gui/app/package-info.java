/**
 * The running app: wires the controller loop to the service link, token store, settings, desktop
 * integration, tray and window, and performs the controller's effects.
 */
package dev.flint.gui.app;
