package dev.flint.tunnel.macos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command and fails with its output when it does not exit 0. */
@FunctionalInterface
public interface CommandRunner {

    void run(List<String> command) throws IOException;

    /** Real processes, each given a few seconds. */
    static CommandRunner processes() {
        return command -> {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            try {
                boolean exited = process.waitFor(10, TimeUnit.SECONDS);
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!exited) {
                    process.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish");
                }
                if (process.exitValue() != 0) {
                    throw new IOException(String.join(" ", command) + " failed: " + output);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command.getFirst());
            }
        };
    }
}
