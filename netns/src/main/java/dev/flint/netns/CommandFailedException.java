package dev.flint.netns;

import java.util.List;

/** A host command (ip, nft, ...) exited non-zero; carries the command line and what it said on stderr. */
public final class CommandFailedException extends RuntimeException {

    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    public CommandFailedException(List<String> command, int exitCode, String stderr) {
        super("command failed (exit " + exitCode + "): " + String.join(" ", command)
            + (stderr.isBlank() ? "" : "\n" + stderr.strip()));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    public List<String> command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
