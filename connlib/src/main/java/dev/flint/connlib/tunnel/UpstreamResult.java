package dev.flint.connlib.tunnel;

/** The outcome of a recursion the shell performed for an {@link ClientEvent.UpstreamDnsQuery}. */
public sealed interface UpstreamResult {
    record Response(byte[] message) implements UpstreamResult {}

    /** No answer in time: UDP queries stay unanswered (the OS stub retries), TCP ones get SERVFAIL. */
    record Timeout() implements UpstreamResult {}

    record Failed(String reason) implements UpstreamResult {}
}
