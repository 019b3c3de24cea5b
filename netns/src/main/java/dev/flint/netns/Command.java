package dev.flint.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host command line, run to completion. Every command is logged at debug; a non-zero exit becomes a
 * {@link CommandFailedException} naming the command and its stderr, so a broken topology fails loudly where it
 * broke.
 */
public record Command(List<String> args, String stdin) {

    private static final Logger LOG = LoggerFactory.getLogger(Command.class);
    private static final long TIMEOUT_SECONDS = 60;

    public Command {
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static Command of(String... args) {
        return new Command(List.of(args), null);
    }

    public static Command of(List<String> args) {
        return new Command(args, null);
    }

    /** The same command with {@code text} written to its standard input (used for {@code nft -f -}). */
    public Command withStdin(String text) {
        return new Command(args, text);
    }

    /** Prefixes {@code ip netns exec <ns>} so the command runs inside the namespace. */
    public Command inNamespace(String namespace) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(args);
        return new Command(full, stdin);
    }

    /** The outcome of a command that was allowed to fail. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs the command and returns its stdout; throws {@link CommandFailedException} on a non-zero exit. */
    public String run() {
        Result result = runAllowingFailure();
        if (!result.ok()) {
            throw new CommandFailedException(args, result.exitCode(), result.stderr());
        }
        return result.stdout();
    }

    /** Runs the command and returns its exit code and output, whatever they are. */
    public Result runAllowingFailure() {
        LOG.debug("$ {}", this);
        Process process;
        try {
            process = new ProcessBuilder(args).start();
        } catch (IOException e) {
            throw new CommandFailedException(args, -1, "cannot start: " + e.getMessage());
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command may exit before reading its input; its exit code tells what happened.
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(args, -1, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            Result result = new Result(process.exitValue(), out.join(), err.join());
            if (!result.ok()) {
                LOG.debug("  exit {}: {}", result.exitCode(), result.stderr().strip());
            }
            return result;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(args, -1, "interrupted");
        }
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

    @Override
    public String toString() {
        return String.join(" ", args) + (stdin == null ? "" : " <<EOF\n" + stdin + "EOF");
    }
}
