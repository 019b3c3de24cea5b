/**
 * The Firezone portal's message model: records for every client and gateway event, with tolerant decoding.
 */
package dev.flint.connlib.portal;
