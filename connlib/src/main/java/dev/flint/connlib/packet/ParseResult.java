package dev.flint.connlib.packet;

/** Outcome of parsing bytes as an IP packet: never an exception, a reason naming the field instead. */
public sealed interface ParseResult {
    record Parsed(IpPacket packet) implements ParseResult {}

    record Malformed(String field, String reason) implements ParseResult {
        @Override
        public String toString() {
            return field + ": " + reason;
        }
    }
}
