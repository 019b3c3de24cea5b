package dev.flint.tunnel.windows;

import dev.flint.tunnel.os.ServiceHost;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel service under the Service Control Manager (reference: GUI client §1.3). The SCM sees
 * {@code START_PENDING} until the body says it is ready, then {@code RUNNING} accepting
 * {@code STOP} and {@code SHUTDOWN}; either control is the same graceful stop as SIGTERM on Linux.
 * Then {@code STOP_PENDING} while the session is torn down, and {@code STOPPED} with the body's
 * exit code (as a service-specific code when it is not 0). States only move forward, so a stop
 * that arrives during start-up never shows the service as running. Not yet run on Windows.
 */
public final class WindowsService implements ServiceHost {
    /** The name the MSI installs the service under ({@code packaging/src/windows/flint.wxs}). */
    public static final String NAME = "FlintTunnelService";

    static final int SERVICE_CONTROL_STOP = 0x1;
    static final int SERVICE_CONTROL_INTERROGATE = 0x4;
    static final int SERVICE_CONTROL_SHUTDOWN = 0x5;
    static final int SERVICE_ACCEPT_STOP = 0x1;
    static final int SERVICE_ACCEPT_SHUTDOWN = 0x4;
    static final int NO_ERROR = 0;
    static final int ERROR_CALL_NOT_IMPLEMENTED = 120;
    static final int ERROR_SERVICE_SPECIFIC_ERROR = 1066;
    /** The start-up and stop budgets the SCM is told, matching systemd's TimeoutStartSec/TimeoutStopSec. */
    static final int WAIT_HINT_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(WindowsService.class);

    /** {@code SERVICE_STATUS.dwCurrentState}, in the order a run passes through them. */
    public enum State {
        START_PENDING(2), RUNNING(4), STOP_PENDING(3), STOPPED(1);

        private final int code;

        State(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final ServiceControlManager scm;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private ServiceControlManager.StatusHandle handle;
    private State state;
    private int checkPoint;
    private volatile int exitCode = 1;

    public WindowsService(ServiceControlManager scm) {
        this.scm = scm;
    }

    /**
     * Hands the process to the SCM and returns the body's exit code once the service has stopped;
     * 1 with nothing run when the process was not started as a service.
     */
    @Override
    public int run(Body body) {
        if (!scm.runDispatcher(NAME, () -> serviceMain(body))) {
            LOG.error("flint-tunnel run must be started by the Service Control Manager; use run-interactive in a console");
            return 1;
        }
        return exitCode;
    }

    private void serviceMain(Body body) {
        // A control can arrive as soon as the handler is registered; it waits here until the
        // handle it reports through is known.
        synchronized (this) {
            handle = scm.registerHandler(NAME, this::control);
            report(State.START_PENDING);
        }
        int code;
        try {
            code = body.run(new ServiceHost.Lifecycle() {
                @Override
                public void ready() {
                    report(State.RUNNING);
                }

                @Override
                public void awaitStop() {
                    while (true) {
                        try {
                            stopRequested.await();
                            return;
                        } catch (InterruptedException ignored) {
                            // Only the SCM ends the service.
                        }
                    }
                }

                @Override
                public void stopping() {
                    report(State.STOP_PENDING);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("The tunnel service failed", e);
            code = 1;
        }
        exitCode = code;
        report(State.STOPPED);
    }

    /** The SCM's control handler: runs on the dispatcher thread, so it only signals and reports. */
    int control(int control, int eventType) {
        return switch (control) {
            case SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN -> {
                report(State.STOP_PENDING);
                stopRequested.countDown();
                yield NO_ERROR;
            }
            case SERVICE_CONTROL_INTERROGATE -> NO_ERROR;
            default -> ERROR_CALL_NOT_IMPLEMENTED;
        };
    }

    private synchronized void report(State next) {
        if (state != null && next.ordinal() < state.ordinal()) {
            return;
        }
        if (next == state && next != State.START_PENDING && next != State.STOP_PENDING) {
            return;
        }
        state = next;
        boolean pending = next == State.START_PENDING || next == State.STOP_PENDING;
        checkPoint = pending ? checkPoint + 1 : 0;
        int accepted = next == State.RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
        int code = next == State.STOPPED ? exitCode : 0;
        scm.setStatus(handle, new ServiceControlManager.Status(next, accepted,
                code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR, code,
                checkPoint, pending ? WAIT_HINT_MILLIS : 0));
    }
}
