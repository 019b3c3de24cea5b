package dev.flint.devstack.bench;

import dev.flint.devstack.bench.PathResult.Kind;
import dev.flint.devstack.bench.PathResult.Run;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The markdown summary {@code flint bench} prints at the end, ready to paste into BENCHMARKS.md. */
final class Report {

    /** The machine and the settings, printed above the tables. */
    record Header(String when, String machine, String loadBefore, String loadAfter, String settings) {
    }

    private Report() {
    }

    static String markdown(Header header, List<PathResult> paths) {
        StringBuilder text = new StringBuilder();
        text.append("flint bench, ").append(header.when()).append("; ").append(header.machine()).append('\n')
            .append("load average before: ").append(header.loadBefore()).append("; after: ").append(header.loadAfter())
            .append('\n').append(header.settings()).append("\n\n");

        text.append("| topology | path | run | Mbit/s | TCP retransmits | client side CPU % | gateway side CPU % "
            + "| relay CPU % | client side RSS MB | gateway side RSS MB |\n");
        text.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PathResult path : paths) {
            if (path.runs.isEmpty()) {
                text.append("| ").append(path.topology).append(" | ").append(path.path)
                    .append(" | - | - | - | - | - | - | - | - |\n");
            }
            for (Run run : path.runs) {
                text.append("| ").append(path.topology).append(" | ").append(path.path).append(" | ")
                    .append(run.kind().label).append(" | ").append(mbit(run.iperf().receivedMbitPerSecond()))
                    .append(" | ").append(run.iperf().retransmits() < 0 ? "?" : run.iperf().retransmits())
                    .append(" | ").append(cpu(run, PathResult.CLIENT)).append(" | ").append(cpu(run, PathResult.GATEWAY))
                    .append(" | ").append(cpu(run, PathResult.RELAY)).append(" | ").append(rss(run, PathResult.CLIENT))
                    .append(" | ").append(rss(run, PathResult.GATEWAY)).append(" |\n");
            }
        }

        text.append("\n| topology | path | ping avg ms (min-max) | lost | service RSS MB at sign-in / idle after "
            + "| how the traffic went |\n");
        text.append("|---|---|---:|---:|---:|---|\n");
        for (PathResult path : paths) {
            String ping = path.ping == null ? "-" : ms(path.ping.avgMs()) + " (" + ms(path.ping.minMs()) + "-"
                + ms(path.ping.maxMs()) + ")";
            String rss = path.serviceRssAtSignInKb == null && path.serviceIdleRssKb == null ? "-"
                : mb(path.serviceRssAtSignInKb) + " / " + mb(path.serviceIdleRssKb);
            String how = (path.route == null ? "" : path.route)
                + (path.secondsToFirstPing == null ? ""
                    : "; first ping answered " + String.format(Locale.ROOT, "%.1f", path.secondsToFirstPing)
                        + " s after the service started")
                + (path.aotCache == null ? "" : "; JDK AOT cache: " + path.aotCache)
                + (path.warning == null ? "" : "; NOTE: " + path.warning)
                + (path.failure == null ? "" : "; FAILED: " + path.failure);
            text.append("| ").append(path.topology).append(" | ").append(path.path).append(" | ").append(ping)
                .append(" | ").append(path.ping == null ? "-" : path.ping.lost()).append(" | ").append(rss)
                .append(" | ").append(how.replace("|", "/").replaceFirst("^; ", "")).append(" |\n");
        }
        text.append('\n').append(comparison(paths));
        return text.toString();
    }

    /** The sentences the acceptance criteria are read from (no verdict: the machine decides what they mean). */
    static String comparison(List<PathResult> paths) {
        StringBuilder text = new StringBuilder();
        Optional<PathResult> flint = find(paths, "A", "Flint");
        Optional<PathResult> pair = find(paths, "A", "wireguard-go pair");
        Optional<PathResult> bare = find(paths, "A", "bare (no tunnel)");
        Optional<PathResult> relayed = find(paths, "B", "Flint");
        if (flint.isPresent() && pair.isPresent()) {
            text.append("Flint direct / wireguard-go pair: ").append(ratio(flint.get(), pair.get(), Kind.UP))
                .append(" up, ").append(ratio(flint.get(), pair.get(), Kind.DOWN)).append(" down (target >= 1.5)\n");
            text.append("TCP retransmits, Flint direct vs wireguard-go pair: ")
                .append(retransmits(flint.get(), Kind.UP)).append(" vs ").append(retransmits(pair.get(), Kind.UP))
                .append(" up, ").append(retransmits(flint.get(), Kind.DOWN)).append(" vs ")
                .append(retransmits(pair.get(), Kind.DOWN)).append(" down (target: no more than the pair)\n");
            if (flint.get().ping != null && pair.get().ping != null) {
                text.append("ping, Flint direct - wireguard-go pair: ")
                    .append(String.format(Locale.ROOT, "%+.3f ms", flint.get().ping.avgMs() - pair.get().ping.avgMs()))
                    .append(" (target within 0.2 ms)\n");
            }
        }
        for (PathResult f : List.of(flint, relayed).stream().flatMap(Optional::stream).toList()) {
            text.append("tunnel service RSS, ").append(f.topology).append(": peak under load ")
                .append(mb(f.peakRssKb(PathResult.CLIENT).orElse(null))).append(" MB (target <= 150), idle after the runs ")
                .append(mb(f.serviceIdleRssKb)).append(" MB (target <= 120), at sign-in ")
                .append(mb(f.serviceRssAtSignInKb)).append(" MB\n");
        }
        bare.ifPresent(b -> text.append("topology ceiling (bare, no tunnel): ").append(rate(b, Kind.UP)).append(" up, ")
            .append(rate(b, Kind.DOWN)).append(" down Mbit/s\n"));
        relayed.ifPresent(r -> text.append("relayed (Flint through coturn): ").append(rate(r, Kind.UP)).append(" up, ")
            .append(rate(r, Kind.DOWN)).append(" down Mbit/s, coturn ").append(cpuOf(r, Kind.UP, PathResult.RELAY))
            .append(" / ").append(cpuOf(r, Kind.DOWN, PathResult.RELAY)).append(" % CPU\n"));
        return text.toString();
    }

    private static Optional<PathResult> find(List<PathResult> paths, String topology, String path) {
        return paths.stream().filter(p -> p.topology.startsWith(topology) && p.path.equals(path)).findFirst();
    }

    private static String ratio(PathResult a, PathResult b, Kind kind) {
        Optional<Run> x = a.run(kind);
        Optional<Run> y = b.run(kind);
        if (x.isEmpty() || y.isEmpty() || y.get().iperf().receivedMbitPerSecond() <= 0) {
            return "?";
        }
        return String.format(Locale.ROOT, "%.2fx", x.get().iperf().receivedMbitPerSecond()
            / y.get().iperf().receivedMbitPerSecond());
    }

    private static String retransmits(PathResult path, Kind kind) {
        return path.run(kind).map(r -> Long.toString(r.iperf().retransmits())).orElse("?");
    }

    private static String rate(PathResult path, Kind kind) {
        return path.run(kind).map(r -> mbit(r.iperf().receivedMbitPerSecond())).orElse("?");
    }

    private static String cpuOf(PathResult path, Kind kind, String process) {
        return path.run(kind).map(r -> cpu(r, process)).orElse("?");
    }

    private static String cpu(Run run, String process) {
        ProcessMeter.Usage usage = run.usage().get(process);
        return usage == null ? "" : String.format(Locale.ROOT, "%.0f", usage.cpuPercentOfOneCore());
    }

    private static String rss(Run run, String process) {
        ProcessMeter.Usage usage = run.usage().get(process);
        return usage == null ? "" : mb(usage.peakRssKb());
    }

    static String mbit(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String mb(Long kb) {
        return kb == null ? "?" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
