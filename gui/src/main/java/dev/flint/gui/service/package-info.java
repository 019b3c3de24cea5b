/**
 * The GUI's side of the local sockets: a framed connection over a Unix domain socket, the link to the
 * tunnel service that feeds the controller, and the controller's event loop.
 */
package dev.flint.gui.service;
