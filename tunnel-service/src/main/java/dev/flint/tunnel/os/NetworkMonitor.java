package dev.flint.tunnel.os;

import java.io.IOException;

/**
 * Tells the service that the network under the tunnel changed (an interface, address or route of
 * another interface came, went or moved), so a connected session re-establishes its paths and a
 * waiting one tries again at once (reference §8.4). Bursts are reported once ({@link QuietPeriod}).
 * Linux listens on rtnetlink, Windows on the IP Helper notifications, macOS on a routing socket.
 */
public interface NetworkMonitor extends AutoCloseable {

    /** Starts watching; changes of the tunnel's own interface {@code tunnelInterface} are not reported. */
    @FunctionalInterface
    interface Factory {
        NetworkMonitor start(String tunnelInterface, Runnable onChange) throws IOException;
    }

    /** A monitor that never reports: for a service whose OS offers no notifications, and for tests. */
    static Factory none() {
        return (tunnelInterface, onChange) -> () -> { };
    }

    /** Stops watching; no report follows. Idempotent. */
    @Override
    void close();
}
