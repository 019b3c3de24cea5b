package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether packets go straight to the gateway (possibly through NATs) or through a TURN relay. */
public enum PathKind {
    @JsonProperty("direct") DIRECT,
    @JsonProperty("relayed") RELAYED
}
