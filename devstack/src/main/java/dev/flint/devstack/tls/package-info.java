/**
 * The devstack's throw-away PKI: a test CA made at {@code devstack up}, the server certificates of the portal's
 * mutual-TLS listener and the DoH server, and the client certificate the tunnel service presents.
 */
package dev.flint.devstack.tls;
