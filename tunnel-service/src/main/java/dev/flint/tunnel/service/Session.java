package dev.flint.tunnel.service;

import dev.flint.ipc.ResourceView;
import java.util.List;

/**
 * One signed-in tunnel session as the service drives it: started once, it reports connecting →
 * connected (with the interface the OS must be given) and, at most once, disconnected. Closing it
 * is idempotent and stops all reporting.
 */
public interface Session extends AutoCloseable {

    /** Reports from a session; called from the session's own thread. */
    interface Listener {
        void connected(InterfaceConfig config);

        void resourcesChanged(List<ResourceView> resources);

        void disconnected(String reason, boolean requiresSignIn);
    }

    void start(Listener listener);

    void setInternetResourceEnabled(boolean enabled);

    /** The network under the tunnel changed: re-establish connections. */
    void reset(String reason);

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
