/**
 * The Linux tray: a StatusNotifierItem with a {@code com.canonical.dbusmenu} menu on the session bus
 * (dbus-java), which GNOME (with the AppIndicator extension), KDE and most panels show, on X11 and Wayland.
 */
package dev.flint.gui.tray.linux;
