package dev.flint.devstack.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command run to completion with its own time limit (an iperf3 run lasts as long as {@code --seconds} says,
 * longer than the devstack's {@code Command} allows), optionally inside a network namespace.
 */
final class Exec {

    /** Exit code and output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** stderr, else stdout, on one line: for a failure sentence. */
        String said() {
            String text = stderr.isBlank() ? stdout : stderr;
            return String.join(" | ", text.strip().lines().limit(3).toList());
        }
    }

    private Exec() {
    }

    /** Runs {@code args} inside namespace {@code ns} ({@code ip netns exec}). */
    static Result inNamespace(String ns, Duration timeout, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(Arrays.asList(args));
        return run(timeout, full);
    }

    static Result run(Duration timeout, List<String> args) {
        Process process;
        try {
            process = new ProcessBuilder(args).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + args.getFirst() + ": " + e.getMessage());
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", args) + " did not finish within "
                    + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + args.getFirst());
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
    }
}
