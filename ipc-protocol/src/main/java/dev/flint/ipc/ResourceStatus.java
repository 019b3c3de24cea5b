package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether any gateway of a resource's sites is known to be reachable. */
public enum ResourceStatus {
    @JsonProperty("unknown") UNKNOWN,
    @JsonProperty("online") ONLINE,
    @JsonProperty("offline") OFFLINE
}
