/** Windows desktop integration: per-user registry keys under HKCU for the URL scheme and start-on-login. */
package dev.flint.gui.platform.windows;
