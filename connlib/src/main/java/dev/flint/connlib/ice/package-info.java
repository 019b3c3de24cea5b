/**
 * The ICE agent (controlling and controlled): candidates, pairing, connectivity checks and nomination, sans-IO.
 */
package dev.flint.connlib.ice;
