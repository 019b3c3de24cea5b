package dev.flint.tunnel.os;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * systemd, launchd and consoles: SIGTERM (or SIGINT, Ctrl+C) asks the service to stop; readiness
 * goes to the service manager's notifier (systemd's {@code $NOTIFY_SOCKET} on Linux). launchd has
 * no readiness protocol (a daemon is simply running), so under launchd, as in a terminal, the
 * notifier does nothing.
 */
public final class SignalServiceHost implements ServiceHost {

    /** Sends a state line such as {@code READY=1} to the service manager, if one listens. */
    @FunctionalInterface
    public interface Notifier {
        void send(String state) throws IOException;

        static Notifier none() {
            return state -> { };
        }
    }

    private final Notifier notifier;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);

    public SignalServiceHost(Notifier notifier, PrintStream err) {
        this.notifier = notifier;
        this.err = err;
    }

    @Override
    public int run(Body body) {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), s -> stop.countDown());
        }
        return body.run(new Lifecycle() {
            @Override
            public void ready() {
                notifySystemd("READY=1");
            }

            @Override
            public void awaitStop() {
                while (true) {
                    try {
                        stop.await();
                        return;
                    } catch (InterruptedException ignored) {
                        // Only a signal ends the service.
                    }
                }
            }

            @Override
            public void stopping() {
                notifySystemd("STOPPING=1");
            }
        });
    }

    /** What a signal does; also how a test asks for the stop without sending one. */
    public void requestStop() {
        stop.countDown();
    }

    private void notifySystemd(String state) {
        try {
            notifier.send(state);
        } catch (IOException e) {
            err.println("flint-tunnel: " + e.getMessage());
        }
    }
}
