package dev.flint.connlib.tunnel.sim;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

/** What an application observed for a probe or a DNS query. */
sealed interface Outcome {
    /** The probe reached {@code host} through a gateway of {@code site} and the reply came back. */
    record Delivered(UUID site, InetAddress host) implements Outcome {}

    record Prohibited() implements Outcome {}

    record Unreachable() implements Outcome {}

    record Dropped() implements Outcome {}

    /** A DNS answer: rcode, the answer records in presentation form (sorted), and TC. */
    record DnsAnswer(int rcode, List<String> answers) implements Outcome {}

    record NoDnsAnswer() implements Outcome {}
}
