/** The fallback tray through {@code java.awt.SystemTray}: Windows, macOS, and X11 panels with an XEmbed tray. */
package dev.flint.gui.tray.awt;
