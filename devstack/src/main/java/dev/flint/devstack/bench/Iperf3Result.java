package dev.flint.devstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What one {@code iperf3 --json} TCP run measured: the rate that arrived at the receiver, and the sender's TCP
 * retransmits over the run ({@code end.sum_sent.retransmits}; iperf3 reports the sender's count in both
 * directions, with {@code -R} the server's).
 */
record Iperf3Result(double receivedMbitPerSecond, long retransmits, double seconds, boolean reverse) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses iperf3's JSON; a run that failed (iperf3 puts {@code "error"} in the JSON) is an exception naming it. */
    static Iperf3Result parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("iperf3 printed no JSON: " + firstLine(json));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("iperf3 printed no JSON: " + firstLine(json));
        }
        if (root.hasNonNull("error")) {
            throw new IllegalArgumentException("iperf3 said: " + root.get("error").asText());
        }
        JsonNode end = root.path("end");
        JsonNode received = end.path("sum_received");
        JsonNode sent = end.path("sum_sent");
        if (!received.path("bits_per_second").isNumber()) {
            throw new IllegalArgumentException("iperf3's JSON has no end.sum_received.bits_per_second");
        }
        return new Iperf3Result(received.path("bits_per_second").asDouble() / 1e6,
            sent.path("retransmits").asLong(-1), received.path("seconds").asDouble(),
            root.path("start").path("test_start").path("reverse").asInt() == 1);
    }

    /** The {@code "error"} iperf3 put in its JSON, if any (empty too when the text is not iperf3's JSON). */
    static Optional<String> error(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            return root != null && root.hasNonNull("error") ? Optional.of(root.get("error").asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.isEmpty() ? "(nothing)" : stripped.lines().findFirst().orElse("");
    }
}
