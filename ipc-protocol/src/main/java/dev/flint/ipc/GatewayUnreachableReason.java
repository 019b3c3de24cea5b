package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why no gateway could serve a resource. */
public enum GatewayUnreachableReason {
    /** Every gateway of every site of the resource is offline. */
    @JsonProperty("all_offline") ALL_OFFLINE,
    /** Gateways are online but none runs a version compatible with this client. */
    @JsonProperty("version_mismatch") VERSION_MISMATCH
}
