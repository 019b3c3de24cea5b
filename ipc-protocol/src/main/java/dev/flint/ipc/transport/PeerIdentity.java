package dev.flint.ipc.transport;

/** What the operating system tells a server about the process at the other end of a connection. */
public sealed interface PeerIdentity permits PeerCredentials, PipeClientIdentity, PeerIdentity.Unknown {

    /** The kernel gave nothing (a platform without a credentials call). */
    record Unknown() implements PeerIdentity {}
}
