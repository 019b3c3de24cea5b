package dev.flint.ipc;

/**
 * One probe the service ran: what it asked ({@code target}), whether it worked, how long it took, and a sentence
 * (the answer or what went wrong).
 */
public record ProbeResult(String target, boolean ok, Long micros, String detail) {
    public ProbeResult {
        InvalidFieldException.requireNonBlank(target, "target");
        InvalidFieldException.requireNonNull(detail, "detail");
        if (micros != null && micros < 0) {
            throw new InvalidFieldException("micros", "must not be negative");
        }
    }
}
