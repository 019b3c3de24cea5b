/**
 * Desktop integration behind small interfaces: opening URLs, start-on-login, the deep-link scheme
 * handler, and desktop notifications; one sub-package per OS.
 */
package dev.flint.gui.platform;
