/**
 * The JavaFX tray application: controller state machine, tray, windows, sign-in and settings.
 */
package dev.flint.gui;
