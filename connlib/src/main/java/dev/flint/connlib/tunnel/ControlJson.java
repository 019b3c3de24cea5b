package dev.flint.connlib.tunnel;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON mapper for p2p control bodies (tree model only, so no reflection). */
final class ControlJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ControlJson() {}
}
