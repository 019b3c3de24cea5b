package dev.flint.tunnel.service;

import dev.flint.tunnel.os.InterfaceConfig;

import java.util.List;

/**
 * A session with a fixed interface configuration and no portal, like a {@code wg-quick} file: it
 * connects at once. It lets the service's OS side (TUN, routes, DNS, cleanup) run and be tested
 * on its own; the service only uses it when started with {@code --static-interface FILE}.
 */
public final class StaticSession implements Session {
    private final InterfaceConfig config;
    private volatile boolean closed;

    public StaticSession(InterfaceConfig config) {
        this.config = config;
    }

    @Override
    public void start(Listener listener) {
        if (!closed) {
            listener.connected(config); // packets go nowhere: there is no data plane to hand the device to
            listener.resourcesChanged(List.of());
        }
    }

    @Override
    public void setInternetResourceEnabled(boolean enabled) {
    }

    @Override
    public void reset(String reason) {
    }

    @Override
    public void close() {
        closed = true;
    }
}
