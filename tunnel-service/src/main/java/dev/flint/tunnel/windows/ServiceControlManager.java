package dev.flint.tunnel.windows;

/**
 * The three calls a service process makes to the Service Control Manager, with plain values, so
 * {@link WindowsService}'s state machine runs against a fake. {@link Advapi32ServiceControlManager}
 * is the real one.
 */
public interface ServiceControlManager {

    /** {@code HandlerEx}: answers {@code NO_ERROR} or {@code ERROR_CALL_NOT_IMPLEMENTED}. */
    @FunctionalInterface
    interface ControlHandler {
        int control(int control, int eventType);
    }

    /** A {@code SERVICE_STATUS_HANDLE}; not closed by its user. */
    record StatusHandle(long value) {}

    /** {@code SERVICE_STATUS} for an own-process service. */
    record Status(WindowsService.State state, int controlsAccepted, int win32ExitCode, int serviceSpecificExitCode,
                  int checkPoint, int waitHintMillis) {}

    /**
     * {@code StartServiceCtrlDispatcher}: connects this process to the SCM, which calls
     * {@code serviceMain} on a thread of its own; returns once the service has stopped. False when
     * the process was not started by the SCM ({@code ERROR_FAILED_SERVICE_CONTROLLER_CONNECT}).
     */
    boolean runDispatcher(String serviceName, Runnable serviceMain);

    /** {@code RegisterServiceCtrlHandlerEx}, from inside {@code serviceMain}. */
    StatusHandle registerHandler(String serviceName, ControlHandler handler);

    /** {@code SetServiceStatus}. */
    void setStatus(StatusHandle handle, Status status);
}
