/**
 * Where the sign-in token is kept: the OS keyring behind {@link dev.flint.gui.token.TokenStore}
 * (Secret Service on Linux, DPAPI on Windows, Keychain on macOS), or memory only when there is none.
 */
package dev.flint.gui.token;
