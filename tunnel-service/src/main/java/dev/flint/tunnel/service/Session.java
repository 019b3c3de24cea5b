package dev.flint.tunnel.service;

import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.GatewayUnreachableReason;
import dev.flint.ipc.RelayView;
import dev.flint.ipc.ResourceView;
import dev.flint.shell.TunDevice;
import dev.flint.tunnel.os.InterfaceConfig;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One signed-in tunnel session as the service drives it: started once, it reports connecting →
 * connected (with the interface the OS must be given, again whenever that changes) and, at most
 * once, disconnected. Closing it is idempotent and stops all reporting.
 */
public interface Session extends AutoCloseable {

    /** Reports from a session; called from the session's own thread. */
    interface Listener {
        /**
         * The OS must give the tunnel this interface. The first call brings the device up; later calls
         * (new resources, so new routes; new DNS servers) reconfigure it in place. Returns the open
         * device for the session's packets, or empty when there is none (the OS did the packet IO, the
         * configuration failed and the session was ended, or the report was stale).
         */
        Optional<TunDevice> connected(InterfaceConfig config);

        void resourcesChanged(List<ResourceView> resources);

        /** The session has no usable network or cannot reach the portal; it keeps retrying. */
        void waitingForNetwork(String reason);

        /** No gateway could serve the resource; the service tells the GUI once per resource and reason. */
        void gatewayUnreachable(UUID resourceId, GatewayUnreachableReason reason);

        void disconnected(String reason, boolean requiresSignIn);

        /** The gateway connections changed, or their RTT and bytes were sampled again; empty when none is left. */
        default void connectionsChanged(List<GatewayConnection> connections) {
        }
    }

    /** The relays the session uses, with their current credentials (for the GUI's connectivity check). */
    default List<RelayView> relays() {
        return List.of();
    }

    /** Where the self test can make one request to this resource; empty when it has no single host. */
    default Optional<ProbeTarget> probeTarget(UUID resourceId) {
        return Optional.empty();
    }

    void start(Listener listener);

    void setInternetResourceEnabled(boolean enabled);

    /** The network under the tunnel changed: re-establish connections. */
    void reset(String reason);

    /** The user's "connect now": skip the remaining back-off and try the portal again at once. */
    default void connectNow() {
    }

    @Override
    void close();

    /** Creates sessions for {@code Connect} requests. */
    @FunctionalInterface
    interface Factory {
        /**
         * @throws UnavailableException with a sentence for the user when no session can be made
         */
        Session create(String token, boolean internetResourceEnabled) throws UnavailableException;
    }

    /** Why the service cannot start a session; the message is shown to the user. */
    final class UnavailableException extends Exception {
        public UnavailableException(String sentence) {
            super(sentence);
        }
    }
}
