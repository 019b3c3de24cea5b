/**
 * Phoenix channel framing (V1 objects and V2 arrays) and the channel state machines for both ends, sans-IO.
 */
package dev.flint.connlib.phoenix;
