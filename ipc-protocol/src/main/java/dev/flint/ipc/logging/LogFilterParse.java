package dev.flint.ipc.logging;

/** The outcome of parsing a log filter string: a filter, or the directive that is wrong and why. */
public sealed interface LogFilterParse {
    record Valid(LogFilter filter) implements LogFilterParse {}

    /** {@code directive} is the offending comma-separated part exactly as written (may be empty). */
    record Invalid(String directive, String problem) implements LogFilterParse {
        public String sentence() {
            return "Invalid log filter directive \"" + directive + "\": " + problem;
        }
    }
}
