package dev.flint.tunnel.os;

import dev.flint.ipc.transport.IpcEndpoints;
import java.nio.file.Path;

/**
 * Where the service keeps its files. Overridable (command-line flags) so tests run against a
 * temporary tree instead of the system's directories.
 */
public record ServicePaths(Path stateDir, Path runtimeDir, Path logDir, Path resolvConf) {
    public static ServicePaths system() {
        return new ServicePaths(Path.of("/var/lib", IpcEndpoints.APP_ID), IpcEndpoints.LINUX_TUNNEL_SOCKET.getParent(),
                Path.of("/var/log", IpcEndpoints.APP_ID), Path.of("/etc/resolv.conf"));
    }

    public Path socket() {
        return runtimeDir.resolve("tunnel.sock");
    }

    public Path deviceIdFile() {
        return stateDir.resolve("device_id");
    }

    public Path advancedSettingsFile() {
        return stateDir.resolve("advanced_settings.json");
    }

    public Path cleanupJournal() {
        return stateDir.resolve("cleanup-journal.json");
    }

    public Path resolvConfBackup() {
        return stateDir.resolve("resolv.conf.before-flint");
    }

    public ServicePaths withStateDir(Path dir) {
        return new ServicePaths(dir, runtimeDir, logDir, resolvConf);
    }

    public ServicePaths withRuntimeDir(Path dir) {
        return new ServicePaths(stateDir, dir, logDir, resolvConf);
    }

    public ServicePaths withLogDir(Path dir) {
        return new ServicePaths(stateDir, runtimeDir, dir, resolvConf);
    }
}
