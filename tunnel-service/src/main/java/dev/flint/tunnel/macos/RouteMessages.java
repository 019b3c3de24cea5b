package dev.flint.tunnel.macos;

import dev.flint.shell.macos.RouteSocket;
import java.io.IOException;

/**
 * The routing socket as the network monitor reads it; {@link #system()} is the kernel's
 * ({@link RouteSocket}), tests hand messages in by hand.
 */
public interface RouteMessages extends AutoCloseable {

    /** Opens a fresh routing socket. */
    @FunctionalInterface
    interface Opener {
        RouteMessages open() throws IOException;
    }

    /** Up to {@code timeoutMillis} for messages: the byte count, 0 after the timeout, -1 once closed. */
    int receive(byte[] buffer, int timeoutMillis) throws IOException;

    /** The interface index of {@code name}, 0 if there is none. */
    int interfaceIndex(String name);

    @Override
    void close();

    static Opener system() {
        return () -> {
            RouteSocket socket = RouteSocket.open();
            return new RouteMessages() {
                @Override
                public int receive(byte[] buffer, int timeoutMillis) throws IOException {
                    return socket.receive(buffer, timeoutMillis);
                }

                @Override
                public int interfaceIndex(String name) {
                    return RouteSocket.interfaceIndex(name);
                }

                @Override
                public void close() {
                    socket.close();
                }
            };
        };
    }
}
