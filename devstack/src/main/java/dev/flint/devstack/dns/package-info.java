/** The devstack's DNS-over-HTTPS server, answering from the resource network's plain DNS server. */
package dev.flint.devstack.dns;
