package dev.flint.devstack.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters processes over one run: CPU as a percentage of one core (utime + stime from before to after, over the
 * wall-clock time between) and the highest resident set seen by sampling every 200 ms.
 */
final class ProcessMeter {

    /** What one process used during the run. */
    record Usage(double cpuPercentOfOneCore, long peakRssKb) {
    }

    private static final long SAMPLE_MILLIS = 200;

    private final Map<String, Long> pids;
    private final long ticksPerSecond;
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private final Map<String, Long> peakRss = new ConcurrentHashMap<>();
    private final long startNanos;
    private final Thread sampler;
    private volatile boolean running = true;

    private ProcessMeter(Map<String, Long> pids, long ticksPerSecond) {
        this.pids = Map.copyOf(pids);
        this.ticksPerSecond = ticksPerSecond;
        pids.forEach((label, pid) -> {
            ProcStat stat = ProcStat.read(pid);
            startTicks.put(label, stat.cpuTicks());
            peakRss.put(label, stat.rssKb());
        });
        startNanos = System.nanoTime();
        sampler = Thread.ofVirtual().name("bench-meter").start(this::sample);
    }

    /** Starts metering {@code pids} (label to pid; may be empty). */
    static ProcessMeter start(Map<String, Long> pids, long ticksPerSecond) {
        return new ProcessMeter(pids, ticksPerSecond);
    }

    private void sample() {
        while (running) {
            pids.forEach((label, pid) -> {
                try {
                    peakRss.merge(label, ProcStat.read(pid).rssKb(), Math::max);
                } catch (RuntimeException gone) {
                    // Reported by stop(), which reads every process once more.
                }
            });
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the run; throws if a metered process has gone. */
    Map<String, Usage> stop() {
        running = false;
        sampler.interrupt();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        for (var entry : startTicks.entrySet()) {
            ProcStat end = ProcStat.read(pids.get(entry.getKey()));
            long peak = Math.max(peakRss.get(entry.getKey()), end.rssKb());
            double cpu = (end.cpuTicks() - entry.getValue()) / (double) ticksPerSecond / seconds * 100;
            usage.put(entry.getKey(), new Usage(cpu, peak));
        }
        return usage;
    }
}
