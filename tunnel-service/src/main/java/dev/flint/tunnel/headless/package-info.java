/** The headless client's own commands: browser sign-in without a GUI and the token file it writes. */
package dev.flint.tunnel.headless;
