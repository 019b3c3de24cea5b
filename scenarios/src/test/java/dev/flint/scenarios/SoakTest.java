package dev.flint.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.devstack.topology.PseudoRandomBytes;
import dev.flint.devstack.topology.Role;
import dev.flint.netns.NatType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak ({@code ./flint scenarios --soak}, not in CI): mixed traffic for {@code flint.soak.minutes} minutes
 * through the headless tunnel service with 1% loss each way on the client's uplink, the portal killed and started
 * again every 5 minutes; the resident memory of the service and the gateway sampled every minute. Every operation
 * has its own deadline, so a stuck flow is a failure with its name; memory is reported in
 * {@code target/soak/rss.md} and must not grow past what the first minutes after warm-up reached (with a margin).
 */
@Tag("privileged")
class SoakTest {
    static final int MINUTES = Integer.getInteger("flint.soak.minutes", 0);
    static final Duration RESTART_EVERY = Duration.ofMinutes(5);
    static final long MB = 1_000_000;

    record Sample(int minute, double serviceMb, double gatewayMb, int operations, int failures) {
    }

    @Test
    void mixedTrafficWithPortalRestartsAndLossForHalfAnHour() throws Exception {
        assumeTrue(MINUTES > 0, "the soak runs with -Dflint.soak.minutes=N (./flint scenarios --soak)");
        ScenarioStack.assumeSupported();
        try (ScenarioStack stack = ScenarioStack.up(new ScenarioStack.Options("soak", NatType.PORT_RESTRICTED_CONE,
            NatType.PORT_RESTRICTED_CONE, true, false))) {
            ClientHost client = new ClientHost(stack.namespace(Role.CLIENT));
            stack.startService(ScenarioStack.ServiceMode.HEADLESS, stack.token("alice@flint.test", Duration.ofDays(7)));
            client.awaitReachable("the resources", "http://web.flint.test/");
            client.namespace().nft("""
                table inet flint_loss {
                  chain out { type filter hook output priority 0; policy accept; oifname "eth0" numgen random mod 100 < 1 drop; }
                  chain in { type filter hook input priority 0; policy accept; iifname "eth0" numgen random mod 100 < 1 drop; }
                }
                """);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger operations = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService traffic = Executors.newVirtualThreadPerTaskExecutor();
            // Small requests by name and by address, DNS over UDP and TCP, every 2 s.
            traffic.submit(() -> loop(running, Duration.ofSeconds(2), operations, failures, "requests", () -> {
                client.get("http://web.flint.test/");
                client.get("http://172.20.0.10/");
                InetAddress stub = client.nameserver();
                check(!client.queryUdp(stub, "soak.wild.flint.test").isEmpty(), "a UDP DNS answer");
                check(!client.queryTcp(stub, "web.flint.test").isEmpty(), "a TCP DNS answer");
            }));
            // A 10 MB download with its SHA-256, over and over, by name.
            traffic.submit(() -> loop(running, Duration.ZERO, operations, failures, "downloads", () -> {
                long seed = operations.get();
                String sha = client.curlSha256("http://dl.wild.flint.test/random?n=" + 10 * MB + "&seed=" + seed,
                    Duration.ofMinutes(2));
                check(sha.equals(PseudoRandomBytes.sha256(seed, 10 * MB)), "the download's SHA-256");
            }));
            // A long, slow flow: one TCP connection read at about 6 Mbit/s, 40 MB at a time, checked at its end.
            traffic.submit(() -> loop(running, Duration.ZERO, operations, failures, "long flows", () -> {
                long seed = 1000 + operations.get();
                ClientHost.Download d = client.download(InetAddress.ofLiteral("172.20.0.10"), "172.20.0.10", 40 * MB,
                    seed, () -> true);
                ClientHost.assertIntact("a long flow", d, 40 * MB, seed);
            }));

            List<Sample> samples = new ArrayList<>();
            Instant start = Instant.now();
            Instant nextRestart = start.plus(RESTART_EVERY);
            for (int minute = 1; minute <= MINUTES; minute++) {
                Instant due = start.plus(Duration.ofMinutes(minute));
                while (Instant.now().isBefore(due)) {
                    if (!Instant.now().isBefore(nextRestart)) {
                        stack.killPortal();
                        stack.startPortal();
                        nextRestart = nextRestart.plus(RESTART_EVERY);
                    }
                    ScenarioStack.sleep(Duration.ofSeconds(1));
                }
                samples.add(new Sample(minute, ScenarioStack.rssMegabytes(stack.service()),
                    ScenarioStack.rssMegabytes(stack.gateway()), operations.get(), failures.size()));
                report(samples, failures);
            }
            running.set(false);
            traffic.shutdown();
            assertThat(traffic.awaitTermination(5, TimeUnit.MINUTES)).as("every flow ended after the soak").isTrue();
            report(samples, failures);
            assertThat(failures).as("operations that failed or got stuck past their deadline").isEmpty();
            assertNoGrowth("service", samples.stream().map(Sample::serviceMb).toList());
            assertNoGrowth("gateway", samples.stream().map(Sample::gatewayMb).toList());
        }
    }

    interface Operation {
        void run() throws Exception;
    }

    static void loop(AtomicBoolean running, Duration pause, AtomicInteger operations, ConcurrentLinkedQueue<String>
        failures, String name, Operation op) {
        while (running.get()) {
            try {
                op.run();
                operations.incrementAndGet();
            } catch (Throwable t) {
                failures.add(Instant.now() + " " + name + ": " + t.getMessage());
            }
            ScenarioStack.sleep(pause);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("wrong: " + what);
        }
    }

    /** RSS after the first five minutes (JIT and heap settle) must stay within 25% + 16 MB of its level then. */
    static void assertNoGrowth(String process, List<Double> rss) {
        if (rss.size() < 10) {
            return;
        }
        double settled = rss.subList(4, 9).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double end = rss.subList(rss.size() - 5, rss.size()).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(end).as(process + " RSS in the last five minutes (MB) against minutes 5-9 (" + settled + " MB)")
            .isLessThanOrEqualTo(settled * 1.25 + 16);
    }

    static void report(List<Sample> samples, ConcurrentLinkedQueue<String> failures) {
        StringBuilder text = new StringBuilder("| minute | service RSS MB | gateway RSS MB | operations | failures |\n"
            + "|---:|---:|---:|---:|---:|\n");
        for (Sample s : samples) {
            text.append(String.format("| %d | %.0f | %.0f | %d | %d |%n", s.minute(), s.serviceMb(), s.gatewayMb(),
                s.operations(), s.failures()));
        }
        failures.forEach(f -> text.append("\n- ").append(f));
        try {
            Path file = Path.of("target", "soak", "rss.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
