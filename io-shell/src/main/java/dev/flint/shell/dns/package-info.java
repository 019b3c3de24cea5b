/** DNS transports of the shells beyond plain UDP/TCP: DNS over HTTPS (RFC 8484) on HTTP/2. */
package dev.flint.shell.dns;
