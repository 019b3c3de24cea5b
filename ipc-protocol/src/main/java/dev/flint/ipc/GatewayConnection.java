package dev.flint.ipc;

import java.util.List;
import java.util.UUID;

/**
 * One connection to a gateway as the peers view shows it.
 *
 * @param gatewayId       the gateway
 * @param resourceIds     the resources authorized through it
 * @param established     ICE chose a path and the WireGuard handshake completed
 * @param path            the path packets take, null while there is none
 * @param rttMicros       round trip of the latest ICE check on the path in microseconds, null if none answered yet
 * @param bytesSent       WireGuard bytes sent to the gateway
 * @param bytesReceived   WireGuard bytes received from it
 * @param lastHandshakeMillis when the latest WireGuard handshake completed (Unix epoch milliseconds), null if never
 */
public record GatewayConnection(UUID gatewayId, List<UUID> resourceIds, boolean established, ConnectionPath path,
                                Long rttMicros, long bytesSent, long bytesReceived, Long lastHandshakeMillis) {
    public GatewayConnection {
        InvalidFieldException.requireNonNull(gatewayId, "gateway_id");
        resourceIds = InvalidFieldException.requireElements(resourceIds, "resource_ids");
        if (rttMicros != null && rttMicros < 0) {
            throw new InvalidFieldException("rtt_micros", "must not be negative");
        }
        if (bytesSent < 0 || bytesReceived < 0) {
            throw new InvalidFieldException(bytesSent < 0 ? "bytes_sent" : "bytes_received", "must not be negative");
        }
    }
}
