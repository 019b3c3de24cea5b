package dev.flint.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The table BENCHMARKS.md is made from: each scenario step with its result, how long it took and what it measured
 * ({@link #note}: stalls, times to recover). Timings are recorded here, never asserted. Written to
 * {@code target/scenario-results/<class>.md} when the class ends.
 */
final class ScenarioResults implements BeforeTestExecutionCallback, AfterTestExecutionCallback, TestWatcher,
    AfterAllCallback {
    private static final List<String> NOTES = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();
    private Instant started;
    private Duration took = Duration.ZERO;

    /** Adds a measurement to the current step's row ("longest stall 1.2 s"). */
    static synchronized void note(String text) {
        NOTES.add(text);
        System.out.println("scenario note: " + text);
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        started = Instant.now();
        synchronized (ScenarioResults.class) {
            NOTES.clear();
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        took = Duration.between(started, Instant.now());
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        row(context, "passed");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        row(context, "FAILED: " + firstLine(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        row(context, "skipped: " + firstLine(cause));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        rows.add("| " + context.getDisplayName() + " | disabled | | " + reason.orElse("") + " |");
    }

    private void row(ExtensionContext context, String result) {
        String notes;
        synchronized (ScenarioResults.class) {
            notes = String.join("; ", NOTES);
        }
        rows.add("| " + context.getRequiredTestMethod().getName() + " | " + result + " | "
            + String.format("%.1f s", took.toMillis() / 1000.0) + " | " + notes + " |");
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        return m.lines().findFirst().orElse(t.getClass().getSimpleName()).replace('|', '/');
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Path file = Path.of("target", "scenario-results", context.getRequiredTestClass().getSimpleName() + ".md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "| step | result | duration | measured |\n|---|---|---:|---|\n"
                + String.join("\n", rows) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
