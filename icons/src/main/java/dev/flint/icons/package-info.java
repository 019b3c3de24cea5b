/** Icon sources (SVG, in {@code icons/src/svg}) rendered to PNG for the tray, the windows and the installers. */
package dev.flint.icons;
