package dev.flint.devstack.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything measured on one path (bare, wireguard-go pair, Flint) of one topology, filled in as the measurements
 * happen, so a path that failed half-way still shows what it got.
 */
final class PathResult {

    /** Usage keys: the client-side process, the gateway-side process, the relay. */
    static final String CLIENT = "client";
    static final String GATEWAY = "gateway";
    static final String RELAY = "relay";

    /** What one iperf3 run gave, and what the metered processes used meanwhile. */
    record Run(Kind kind, Iperf3Result iperf, Map<String, ProcessMeter.Usage> usage) {
    }

    /** The runs of a path. */
    enum Kind {
        COLD("cold, up"), UP("up"), DOWN("down");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    final String topology;
    final String path;
    /** What the processes are called on this path, for the text ("tunnel service", "wireguard-go (client)"). */
    final Map<String, String> processNames;
    final List<Run> runs = new ArrayList<>();
    PingResult ping;
    /** How the traffic went (the route the client used; for Flint, the path the gateway reported). */
    String route;
    /** For Flint: seconds from starting the service to the first ping answered through the tunnel. */
    Double secondsToFirstPing;
    /** For Flint: what the service's JVM did with the launcher's AOT cache (used it, trained it, or ran without). */
    String aotCache;
    Long serviceRssAtSignInKb;
    Long serviceIdleRssKb;
    Long gatewayIdleRssKb;
    String warning;
    String failure;

    PathResult(String topology, String path, Map<String, String> processNames) {
        this.topology = topology;
        this.path = path;
        this.processNames = Map.copyOf(processNames);
    }

    Optional<Run> run(Kind kind) {
        return runs.stream().filter(r -> r.kind() == kind).findFirst();
    }

    /** The highest resident set of {@code process} over every run, in kB. */
    Optional<Long> peakRssKb(String process) {
        return runs.stream().map(r -> r.usage().get(process)).filter(u -> u != null)
            .map(ProcessMeter.Usage::peakRssKb).max(Long::compare);
    }
}
