package dev.flint.tunnel.os;

/**
 * How the OS's service manager runs the service: systemd and launchd start a process and stop it
 * with SIGTERM; Windows' Service Control Manager calls back into it and stops it with a control
 * code. Either way the service's body is the same: start, say it is ready, wait for the stop
 * request, say it is stopping, clean up.
 */
public interface ServiceHost {

    /** The service's own work, run once by {@link #run}; returns the process exit code. */
    @FunctionalInterface
    interface Body {
        int run(Lifecycle lifecycle);
    }

    /** What the body tells the service manager, and the one thing it waits for. */
    interface Lifecycle {
        /** The service is up (IPC endpoint bound): systemd {@code READY=1}, SCM {@code SERVICE_RUNNING}. */
        void ready();

        /** Blocks until the service manager (or a signal) asks the service to stop. */
        void awaitStop();

        /** Stopping has begun: systemd {@code STOPPING=1}, SCM {@code SERVICE_STOP_PENDING}. */
        void stopping();
    }

    /** Runs {@code body} under the service manager and returns its exit code. */
    int run(Body body);
}
