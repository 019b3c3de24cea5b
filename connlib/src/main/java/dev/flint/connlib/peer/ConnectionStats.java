package dev.flint.connlib.peer;

import dev.flint.connlib.ice.NominatedPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What one peer connection looks like now, for status displays: the pair data flows on, the round trip of
 * ICE's latest check on it, WireGuard's byte counters and its latest handshake.
 *
 * @param peer          the connection id (on a client: the gateway id)
 * @param established   ICE nominated a pair and the first WireGuard handshake completed
 * @param path          the nominated pair, null while ICE has none
 * @param rtt           round trip of the latest answered check on {@code path}, null if none was answered yet
 * @param bytesSent     bytes of WireGuard datagrams sent to the peer (headers included)
 * @param bytesReceived bytes of authenticated WireGuard datagrams received from the peer
 * @param lastHandshake when the latest WireGuard handshake completed, null if never
 */
public record ConnectionStats(UUID peer, boolean established, NominatedPair path, Duration rtt, long bytesSent,
                              long bytesReceived, Instant lastHandshake) {
    public ConnectionStats {
        Objects.requireNonNull(peer, "peer");
    }
}
