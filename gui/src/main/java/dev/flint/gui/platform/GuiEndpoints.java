package dev.flint.gui.platform;

import dev.flint.gui.settings.AppDirs;
import dev.flint.ipc.transport.IpcEndpoints;
import dev.flint.ipc.transport.windows.PipeName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which endpoints the GUI uses on this OS: the tunnel service's (its socket in {@code /run} on
 * Linux or {@code /var/run} on macOS, its pipe on Windows) and the user's own single-instance one
 * (a socket in the runtime directory, or a pipe named after the user's SID on Windows).
 */
public final class GuiEndpoints {

    /** Names the current user's SID (a Windows call; a test's fixed value). */
    @FunctionalInterface
    public interface UserSid {
        String get() throws IOException;
    }

    private GuiEndpoints() {
    }

    static boolean windows(String osName) {
        return osName.toLowerCase(Locale.ROOT).startsWith("windows");
    }

    static boolean macos(String osName) {
        return osName.toLowerCase(Locale.ROOT).contains("mac");
    }

    /**
     * The service's endpoint: {@code socket} when the user named one ({@code --service-socket}),
     * otherwise the OS's own ({@code defaultSocket} being the Linux default the options start from).
     */
    public static LocalEndpoint service(Path socket, Path defaultSocket, String osName) {
        if (!socket.equals(defaultSocket)) {
            return LocalEndpoint.unixSocket(socket);
        }
        if (windows(osName)) {
            return LocalEndpoint.servicePipe(new PipeName(IpcEndpoints.WINDOWS_TUNNEL_PIPE));
        }
        return LocalEndpoint.unixSocket(macos(osName) ? IpcEndpoints.MACOS_TUNNEL_SOCKET : socket);
    }

    /** The user's single-instance endpoint. */
    public static LocalEndpoint instance(AppDirs dirs, String osName, UserSid sid) throws IOException {
        return windows(osName) ? LocalEndpoint.userPipe(sid.get()) : LocalEndpoint.unixSocket(dirs.guiSocket());
    }
}
