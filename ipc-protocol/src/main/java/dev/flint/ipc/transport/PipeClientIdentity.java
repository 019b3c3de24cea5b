package dev.flint.ipc.transport;

/** The Windows process at the other end of a named pipe, and its logon session (RDP / fast user switching). */
public record PipeClientIdentity(long pid, long sessionId) implements PeerIdentity {}
