/** Windows: the token encrypted for the current user with DPAPI, in the session directory. */
package dev.flint.gui.token.windows;
