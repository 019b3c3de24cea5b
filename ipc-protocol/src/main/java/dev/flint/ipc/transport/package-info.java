/**
 * Local socket transports: a Unix domain socket server that knows its peer's uid, gid and pid, and the Windows named pipe.
 */
package dev.flint.ipc.transport;
