/** macOS: the token as a generic password in the user's login Keychain (Security framework via JNA). */
package dev.flint.gui.token.macos;
