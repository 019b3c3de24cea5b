package dev.flint.tunnel.linux;

import dev.flint.shell.linux.RtNetlink;
import dev.flint.tunnel.os.NetworkMonitor;
import dev.flint.tunnel.os.QuietPeriod;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches rtnetlink for link, address and route changes on every interface but the tunnel's own,
 * and reports them (the interface indexes that changed) after a quiet period, so a burst of
 * events — Wi-Fi roaming, a DHCP renewal — causes one session reset, not dozens.
 */
public final class NetworkChangeMonitor implements NetworkMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkChangeMonitor.class);
    /** How long {@link #close()} may wait for the reader: it looks at the flag after every receive timeout. */
    private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(200);
    public static final Duration QUIET = Duration.ofMillis(500);

    private final RtNetlink netlink;
    private final String ignoredInterface;
    private final Consumer<Set<Integer>> onChange;
    private final QuietPeriod quiet;
    private final Set<Integer> pending = new TreeSet<>();
    private final Thread reader;
    private volatile boolean closed;
    private int ignoredIndex;

    private NetworkChangeMonitor(RtNetlink netlink, String ignoredInterface, Duration quiet,
                                 Consumer<Set<Integer>> onChange) {
        this.netlink = netlink;
        this.ignoredInterface = ignoredInterface;
        this.onChange = onChange;
        this.quiet = new QuietPeriod(quiet, this::report);
        this.reader = Thread.ofPlatform().name("netlink-monitor").daemon().unstarted(this::readLoop);
    }

    /** The service's monitors: changes reported {@link #QUIET} after the first of a burst. */
    public static NetworkMonitor.Factory factory() {
        return (tunnelInterface, onChange) -> start(tunnelInterface, QUIET, changed -> onChange.run());
    }

    /**
     * Subscribes in the calling thread's network namespace and starts reporting to {@code onChange}.
     */
    public static NetworkChangeMonitor start(String ignoredInterface, Duration quiet, Consumer<Set<Integer>> onChange)
            throws IOException {
        RtNetlink netlink;
        try {
            netlink = RtNetlink.subscribe(RtNetlink.LINK_ADDRESS_ROUTE_GROUPS, RECEIVE_TIMEOUT);
        } catch (IOException e) {
            throw new IOException("cannot subscribe to network changes: " + e.getMessage(), e);
        }
        NetworkChangeMonitor monitor = new NetworkChangeMonitor(netlink, ignoredInterface, quiet, onChange);
        monitor.reader.start();
        return monitor;
    }

    private void readLoop() {
        byte[] buffer = new byte[64 * 1024];
        while (!closed) {
            int n = netlink.receive(buffer);
            if (n > 0) {
                refreshIgnoredIndex();
                Set<Integer> changed = RtNetlink.interfacesIn(ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder()));
                changed.remove(ignoredIndex);
                if (!changed.isEmpty()) {
                    synchronized (pending) {
                        pending.addAll(changed);
                    }
                    quiet.changed();
                }
            }
        }
    }

    private void refreshIgnoredIndex() {
        try {
            ignoredIndex = RtNetlink.linkIndex(ignoredInterface);
        } catch (IOException absent) {
            // Not up yet, or gone: keep the last index it had.
        }
    }

    private void report() {
        Set<Integer> batch;
        synchronized (pending) {
            batch = Set.copyOf(pending);
            pending.clear();
        }
        if (!closed && !batch.isEmpty()) {
            LOG.info("Network changed on interface(s) {}", new TreeSet<>(batch));
            onChange.accept(batch);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        quiet.close();
        try {
            reader.join(RECEIVE_TIMEOUT.multipliedBy(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        netlink.close();
    }
}
