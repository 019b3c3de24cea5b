package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A resource's state, from what the tunnel really did: never used ({@code unknown}), being authorized or its
 * gateway connection being set up ({@code connecting}), authorized with the connection up ({@code online}), or
 * its gateways could not be reached ({@code offline}). {@code connecting} is new in protocol 2.
 */
public enum ResourceStatus {
    @JsonProperty("unknown") UNKNOWN,
    @JsonProperty("connecting") CONNECTING,
    @JsonProperty("online") ONLINE,
    @JsonProperty("offline") OFFLINE
}
