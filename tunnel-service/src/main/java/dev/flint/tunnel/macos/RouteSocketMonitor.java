package dev.flint.tunnel.macos;

import dev.flint.shell.macos.RouteSocket;
import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.QuietPeriod;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network changes on macOS from a {@code PF_ROUTE} socket: routes added, changed or deleted,
 * addresses added or removed, interfaces going up or down, on every interface but the utun. (A
 * SystemConfiguration callback would need a CFRunLoop thread; the routing socket carries the same
 * events as plain messages.)
 */
public final class RouteSocketMonitor implements NetworkMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSocketMonitor.class);
    public static final Duration QUIET = Duration.ofMillis(500);
    /** How often the reader looks at its closed flag while nothing happens. */
    static final int RECEIVE_SLICE_MILLIS = 200;

    private final RouteMessages messages;
    private final String tunnelInterface;
    private final QuietPeriod quiet;
    private final Thread reader;
    private volatile boolean closed;

    private RouteSocketMonitor(RouteMessages messages, String tunnelInterface, QuietPeriod quiet) {
        this.messages = messages;
        this.tunnelInterface = tunnelInterface;
        this.quiet = quiet;
        this.reader = Thread.ofPlatform().name("route-monitor").daemon().unstarted(this::readLoop);
    }

    /** Monitors reporting {@link #QUIET} after the first change of a burst. */
    public static NetworkMonitor.Factory factory(RouteMessages.Opener opener) {
        return (tunnelInterface, onChange) -> start(opener.open(), tunnelInterface, new QuietPeriod(QUIET, () -> {
            LOG.info("The network changed");
            onChange.run();
        }));
    }

    static RouteSocketMonitor start(RouteMessages messages, String tunnelInterface, QuietPeriod quiet) {
        RouteSocketMonitor monitor = new RouteSocketMonitor(messages, tunnelInterface, quiet);
        monitor.reader.start();
        return monitor;
    }

    private void readLoop() {
        byte[] buffer = new byte[16 * 1024];
        while (!closed) {
            int n;
            try {
                n = messages.receive(buffer, RECEIVE_SLICE_MILLIS);
            } catch (IOException e) {
                LOG.warn("The routing socket failed; network changes are no longer seen: {}", e.getMessage());
                return;
            }
            if (n < 0) {
                return;
            }
            if (n > 0 && concernsOthers(RouteSocket.interfacesIn(ByteBuffer.wrap(buffer, 0, n)))) {
                quiet.changed();
            }
        }
    }

    /** The utun's own routes and addresses come and go with the session: they are no network change. */
    private boolean concernsOthers(Set<Integer> indexes) {
        // The utun's name is known only once it is up (the kernel picks the unit), hence the lookup each time.
        int tunnel = tunnelInterface.matches("utun[0-9]+") ? messages.interfaceIndex(tunnelInterface) : 0;
        return indexes.stream().anyMatch(i -> i != 0 && i != tunnel);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        quiet.close();
        try {
            reader.join(RECEIVE_SLICE_MILLIS * 5L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        messages.close();
    }
}
