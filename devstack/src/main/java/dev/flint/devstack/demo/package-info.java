/**
 * {@code flint demo}: brings the devstack, the tunnel service and the GUI up, signs in (through a browser, or
 * by following the sign-in page itself when there is no display) and shows resources reached through the tunnel.
 */
package dev.flint.devstack.demo;
