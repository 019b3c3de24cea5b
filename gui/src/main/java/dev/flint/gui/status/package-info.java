/**
 * How resource and connection states are said in words, the same in the tray, the Overview and the
 * Connections page.
 */
package dev.flint.gui.status;
