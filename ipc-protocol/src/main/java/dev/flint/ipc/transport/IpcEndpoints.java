package dev.flint.ipc.transport;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the two Flint IPC endpoints live. The service's socket is system-wide; the GUI's
 * single-instance socket is per user, in the user's runtime directory.
 */
public record IpcEndpoints(Path tunnelSocket, Path guiSocket, String tunnelPipe, String guiPipe) {
    public static final String APP_ID = "dev.flint.client";
    public static final Path LINUX_TUNNEL_SOCKET = Path.of("/run", APP_ID, "tunnel.sock");
    public static final Path MACOS_TUNNEL_SOCKET = Path.of("/var/run", APP_ID, "tunnel.sock");
    public static final String WINDOWS_TUNNEL_PIPE = "\\\\.\\pipe\\" + APP_ID + "_tunnel.ipc";
    public static final String WINDOWS_GUI_PIPE = "\\\\.\\pipe\\" + APP_ID + "_gui.ipc";

    /** The endpoints for this machine, reading {@code XDG_RUNTIME_DIR} from {@code environment}. */
    public static IpcEndpoints forCurrentPlatform(Map<String, String> environment) {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        Path tunnel = os.contains("mac") ? MACOS_TUNNEL_SOCKET : LINUX_TUNNEL_SOCKET;
        return new IpcEndpoints(tunnel, guiSocket(environment), WINDOWS_TUNNEL_PIPE, WINDOWS_GUI_PIPE);
    }

    public static IpcEndpoints forCurrentPlatform() {
        return forCurrentPlatform(System.getenv());
    }

    /**
     * {@code $XDG_RUNTIME_DIR/dev.flint.client/gui.sock}. Without XDG_RUNTIME_DIR (no systemd user
     * session) it falls back to {@code /tmp/dev.flint.client-<user>/gui.sock}, whose directory the
     * server creates with mode 0700.
     */
    public static Path guiSocket(Map<String, String> environment) {
        Optional<String> runtime = Optional.ofNullable(environment.get("XDG_RUNTIME_DIR")).filter(s -> !s.isBlank());
        return runtime.map(dir -> Path.of(dir, APP_ID, "gui.sock"))
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), APP_ID + "-" + System.getProperty("user.name"), "gui.sock"));
    }

    /** Endpoints under a private directory, for tests and the devstack. */
    public static IpcEndpoints under(Path directory, String pipePrefix) {
        return new IpcEndpoints(directory.resolve("tunnel.sock"), directory.resolve("gui.sock"),
                "\\\\.\\pipe\\" + pipePrefix + "_tunnel.ipc", "\\\\.\\pipe\\" + pipePrefix + "_gui.ipc");
    }
}
