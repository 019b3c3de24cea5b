/**
 * The portal WebSocket: URL, headers and User-Agent as Firezone clients send them, and the Netty shell that
 * dials, upgrades and drives the sans-IO Phoenix client channel.
 */
package dev.flint.shell.portal;
