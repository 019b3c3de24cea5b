/** The freedesktop Secret Service (gnome-keyring, KWallet, KeePassXC) spoken over D-Bus with dbus-java. */
package dev.flint.gui.token.linux;
