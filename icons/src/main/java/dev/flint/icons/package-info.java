/**
 * Icon sources and their rendered sizes for the tray, the app and the installers. The SVG sources and the renderer will live here.
 */
package dev.flint.icons;
