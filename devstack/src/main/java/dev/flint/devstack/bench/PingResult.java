package dev.flint.devstack.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The summary of one {@code ping -c N} run (iputils): how many answers came back and the round-trip times in ms. */
record PingResult(int transmitted, int received, double minMs, double avgMs, double maxMs) {

    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([\\d.]+)/([\\d.]+)/([\\d.]+)/[\\d.]+ ms");

    static PingResult parse(String output) {
        Matcher counts = COUNTS.matcher(output);
        if (!counts.find()) {
            throw new IllegalArgumentException("ping printed no summary: " + output.strip());
        }
        int transmitted = Integer.parseInt(counts.group(1));
        int received = Integer.parseInt(counts.group(2));
        Matcher rtt = RTT.matcher(output);
        if (!rtt.find()) {
            if (received == 0) {
                throw new IllegalArgumentException("no answer to " + transmitted + " pings");
            }
            throw new IllegalArgumentException("ping printed no round-trip times: " + output.strip());
        }
        return new PingResult(transmitted, received, Double.parseDouble(rtt.group(1)),
            Double.parseDouble(rtt.group(2)), Double.parseDouble(rtt.group(3)));
    }

    int lost() {
        return transmitted - received;
    }
}
