/**
 * The privileged tunnel service: command line, session lifecycle and the IO shell around connlib.
 */
package dev.flint.tunnel;
