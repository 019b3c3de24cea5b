package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.net.URI;

/**
 * Messages between two GUI processes of the same user over the per-user socket: a second instance
 * sends {@link DeepLink} or {@link NewInstance}, the running one answers {@link Ack} and hangs up.
 */
public sealed interface InstanceMessage {

    /**
     * A sign-in callback URL handed to the running GUI. Its query carries the sign-in state and
     * token fragment, so {@link #toString()} shows only scheme and authority.
     */
    @JsonTypeName("deep_link")
    record DeepLink(URI url) implements InstanceMessage {
        public DeepLink {
            InvalidFieldException.requireNonNull(url, "url");
            if (!url.isAbsolute()) {
                throw new InvalidFieldException("url", "must be an absolute URL");
            }
        }

        @Override
        public String toString() {
            return "DeepLink[url=" + url.getScheme() + "://" + (url.getRawAuthority() == null ? "" : url.getRawAuthority()) + "/<redacted>]";
        }
    }

    /** The user started the GUI again: show the main window. */
    @JsonTypeName("new_instance")
    record NewInstance() implements InstanceMessage {}

    /** The running GUI handled the message. */
    @JsonTypeName("ack")
    record Ack() implements InstanceMessage {}
}
