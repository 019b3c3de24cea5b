package dev.flint.tunnel.windows;

import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.QuietPeriod;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network changes on Windows from {@code NotifyIpInterfaceChange} and {@code NotifyRouteChange2}
 * (Firezone listens to the unicast-address notification and the Network List Manager; interface and
 * route changes cover the same events, such as unplugging Ethernet while on Wi-Fi, without COM).
 * Changes of the tunnel's own adapter, and the initial notification, are not reported.
 */
public final class IpHelperNetworkMonitor implements NetworkMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(IpHelperNetworkMonitor.class);
    public static final Duration QUIET = Duration.ofMillis(500);

    private final IpChangeNotifications notifications;
    private final String tunnelAlias;
    private final QuietPeriod quiet;
    private IpChangeNotifications.Subscription interfaces;
    private IpChangeNotifications.Subscription routes;

    private IpHelperNetworkMonitor(IpChangeNotifications notifications, String tunnelAlias, QuietPeriod quiet) {
        this.notifications = notifications;
        this.tunnelAlias = tunnelAlias;
        this.quiet = quiet;
    }

    /** Monitors reporting {@link #QUIET} after the first change of a burst. */
    public static NetworkMonitor.Factory factory(IpChangeNotifications notifications) {
        return (tunnelInterface, onChange) -> start(notifications, tunnelInterface, new QuietPeriod(QUIET, () -> {
            LOG.info("The network changed");
            onChange.run();
        }));
    }

    static IpHelperNetworkMonitor start(IpChangeNotifications notifications, String tunnelAlias, QuietPeriod quiet)
            throws IOException {
        IpHelperNetworkMonitor monitor = new IpHelperNetworkMonitor(notifications, tunnelAlias, quiet);
        try {
            monitor.interfaces = notifications.interfaceChanges(monitor::changed);
            monitor.routes = notifications.routeChanges(monitor::changed);
        } catch (IOException | RuntimeException e) {
            monitor.close();
            throw e;
        }
        return monitor;
    }

    /** Called on a Windows notification thread: it only looks and schedules. */
    private void changed(IpChangeNotifications.Change change) {
        if (change.kind() == IpChangeNotifications.Kind.INITIAL) {
            return;
        }
        // Looked up per change: the adapter appears and disappears with each session.
        OptionalLong tunnel = notifications.luidOf(tunnelAlias);
        if (tunnel.isPresent() && tunnel.getAsLong() == change.luid()) {
            return;
        }
        quiet.changed();
    }

    @Override
    public void close() {
        if (interfaces != null) {
            interfaces.close();
        }
        if (routes != null) {
            routes.close();
        }
        quiet.close();
    }
}
