/**
 * The frame codec: a 4-byte big-endian length, then UTF-8 JSON, at most 1 MiB. Bad frames become typed errors, not exceptions.
 */
package dev.flint.ipc.frame;
