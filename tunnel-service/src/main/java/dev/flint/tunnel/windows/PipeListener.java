package dev.flint.tunnel.windows;

import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.windows.NamedPipeServer;
import dev.flint.ipc.transport.windows.PipeName;
import dev.flint.ipc.transport.windows.PipeSecurity;
import dev.flint.tunnel.os.IpcListener;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;

/**
 * The service's endpoint on Windows: the named pipe {@code \\.\pipe\dev.flint.client_tunnel.ipc},
 * owned by LocalSystem with full access for SYSTEM and read/write for interactively logged-on
 * users ({@link PipeSecurity#tunnelService()}); each client carries its process id for the
 * {@link PipeClientCheck}.
 */
public final class PipeListener implements IpcListener {
    /** As Firezone (issue #5143): a restarted service may find the old pipe not yet released. */
    static final int BIND_ATTEMPTS = 100;
    static final Duration BIND_RETRY = Duration.ofMillis(100);

    /** Waits between bind attempts; a test's records the waits instead. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final NamedPipeServer server;

    private PipeListener(NamedPipeServer server) {
        this.server = server;
    }

    public static IpcListener.Binder binder(PipeName name) {
        return retrying(() -> new PipeListener(NamedPipeServer.create(name, PipeSecurity.tunnelService())),
                d -> Thread.sleep(d.toMillis()), name.path());
    }

    /**
     * Binds with {@code bind}, again every {@link #BIND_RETRY} while the name is still held
     * ({@link AccessDeniedException}), up to {@link #BIND_ATTEMPTS} times.
     */
    static IpcListener.Binder retrying(IpcListener.Binder bind, Pause pause, String what) {
        return () -> {
            AccessDeniedException last = null;
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                try {
                    return bind.bind();
                } catch (AccessDeniedException e) {
                    last = e;
                }
                try {
                    pause.pause(BIND_RETRY);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new IOException("the pipe " + what + " is held by another process (another tunnel service, or a "
                    + "process squatting on its name)", last);
        };
    }

    @Override
    public DuplexStream accept() throws IOException {
        return server.accept();
    }

    @Override
    public String address() {
        return server.name().path();
    }

    @Override
    public void close() {
        server.close();
    }
}
