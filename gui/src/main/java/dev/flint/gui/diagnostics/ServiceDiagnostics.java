package dev.flint.gui.diagnostics;

import dev.flint.ipc.ServiceMessage.DiagnosticsResult;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Matches {@code run_diagnostics} requests with the service's answers, which arrive in order on the one IPC
 * connection: the oldest waiting request gets the next answer.
 */
public final class ServiceDiagnostics {

    private final ArrayDeque<CompletableFuture<DiagnosticsResult>> pending = new ArrayDeque<>();

    /** Sends the request with {@code send} and returns the answer to come. */
    public CompletableFuture<DiagnosticsResult> request(UUID probeResourceId, Consumer<UUID> send) {
        CompletableFuture<DiagnosticsResult> f = new CompletableFuture<>();
        synchronized (this) {
            pending.add(f);
        }
        send.accept(probeResourceId);
        return f;
    }

    public void deliver(DiagnosticsResult result) {
        CompletableFuture<DiagnosticsResult> f;
        synchronized (this) {
            f = pending.poll();
        }
        if (f != null) {
            f.complete(result);
        }
    }

    /** The service is not there: every waiting request fails with this sentence. */
    public void unavailable(String sentence) {
        CompletableFuture<DiagnosticsResult> f;
        while (true) {
            synchronized (this) {
                f = pending.poll();
            }
            if (f == null) {
                return;
            }
            f.completeExceptionally(new IllegalStateException(sentence));
        }
    }
}
