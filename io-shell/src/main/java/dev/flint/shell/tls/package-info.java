/**
 * TLS for the shells' own connections (portal WebSocket, DNS over HTTPS): the trust anchors and the optional
 * client certificate (mutual TLS) read from PEM, PKCS#12 or a PKCS#11 token.
 */
package dev.flint.shell.tls;
