/** Linux desktop integration: XDG desktop entries, xdg-mime, xdg-open and freedesktop notifications over D-Bus. */
package dev.flint.gui.platform.linux;
