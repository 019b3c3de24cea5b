/**
 * Browser sign-in: the request (nonce and state), the strict parser of the callback deep link,
 * per-user scheme registration, and the single-instance socket that forwards deep links.
 */
package dev.flint.gui.signin;
