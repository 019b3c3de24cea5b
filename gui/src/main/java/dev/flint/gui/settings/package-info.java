/**
 * Settings the GUI owns (general settings, the signed-in session record) and where per-user files live.
 * Files are written atomically (temporary file, then rename) and readable by the user only.
 */
package dev.flint.gui.settings;
