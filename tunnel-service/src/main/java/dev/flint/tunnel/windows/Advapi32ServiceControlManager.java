package dev.flint.tunnel.windows;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winsvc;

/** {@link ServiceControlManager} through jna-platform's {@code Advapi32}. Not yet run on Windows. */
public final class Advapi32ServiceControlManager implements ServiceControlManager {
    // The SCM keeps calling these after registration: hold them so they are never collected.
    private Winsvc.SERVICE_MAIN_FUNCTION serviceMainCallback;
    private Winsvc.HandlerEx handlerCallback;

    @Override
    public boolean runDispatcher(String serviceName, Runnable serviceMain) {
        serviceMainCallback = (argc, argv) -> serviceMain.run();
        Winsvc.SERVICE_TABLE_ENTRY entry = new Winsvc.SERVICE_TABLE_ENTRY();
        entry.lpServiceName = serviceName;
        entry.lpServiceProc = serviceMainCallback;
        // The table ends with an all-null entry.
        Winsvc.SERVICE_TABLE_ENTRY[] table = (Winsvc.SERVICE_TABLE_ENTRY[]) entry.toArray(2);
        return Advapi32.INSTANCE.StartServiceCtrlDispatcher(table);
    }

    @Override
    public StatusHandle registerHandler(String serviceName, ControlHandler handler) {
        handlerCallback = (control, eventType, eventData, context) -> handler.control(control, eventType);
        Winsvc.SERVICE_STATUS_HANDLE handle = Advapi32.INSTANCE.RegisterServiceCtrlHandlerEx(serviceName,
                handlerCallback, null);
        return new StatusHandle(handle == null ? 0 : Pointer.nativeValue(handle.getPointer()));
    }

    @Override
    public void setStatus(StatusHandle handle, Status status) {
        Winsvc.SERVICE_STATUS nativeStatus = new Winsvc.SERVICE_STATUS();
        nativeStatus.dwServiceType = WinNT.SERVICE_WIN32_OWN_PROCESS;
        nativeStatus.dwCurrentState = status.state().code();
        nativeStatus.dwControlsAccepted = status.controlsAccepted();
        nativeStatus.dwWin32ExitCode = status.win32ExitCode();
        nativeStatus.dwServiceSpecificExitCode = status.serviceSpecificExitCode();
        nativeStatus.dwCheckPoint = status.checkPoint();
        nativeStatus.dwWaitHint = status.waitHintMillis();
        Advapi32.INSTANCE.SetServiceStatus(new Winsvc.SERVICE_STATUS_HANDLE(new Pointer(handle.value())), nativeStatus);
    }
}
