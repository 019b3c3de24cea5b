package dev.flint.ipc.transport.windows;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The Win32 calls of the pipe transport, mapped with native-memory buffers: overlapped I/O keeps
 * using the buffer after the call returns, which JNA's {@code byte[]} arguments do not allow.
 * Loaded only when a pipe is actually used, so the rest of the module runs on any OS.
 */
final class PipeApi {
    private PipeApi() {}

    static final int PIPE_ACCESS_DUPLEX = 0x3;
    static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x0008_0000;
    static final int FILE_FLAG_OVERLAPPED = 0x4000_0000;
    static final int PIPE_TYPE_BYTE_READMODE_BYTE_WAIT = 0;
    static final int PIPE_REJECT_REMOTE_CLIENTS = 0x8;
    static final int PIPE_UNLIMITED_INSTANCES = 255;
    static final int GENERIC_READ = 0x8000_0000;
    static final int FILE_WRITE_DATA = 0x2;
    static final int OPEN_EXISTING = 3;
    static final int SECURITY_SQOS_PRESENT = 0x0010_0000;
    static final int SECURITY_IDENTIFICATION = 0x0001_0000;
    static final int SDDL_REVISION_1 = 1;

    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_BROKEN_PIPE = 109;
    static final int ERROR_PIPE_BUSY = 231;
    static final int ERROR_NO_DATA = 232;
    static final int ERROR_PIPE_NOT_CONNECTED = 233;
    static final int ERROR_PIPE_CONNECTED = 535;
    static final int ERROR_OPERATION_ABORTED = 995;
    static final int ERROR_IO_PENDING = 997;

    interface Kernel32 extends Library {
        Kernel32 INSTANCE = Native.load("kernel32", Kernel32.class);

        WinNT.HANDLE CreateNamedPipeW(WString name, int openMode, int pipeMode, int maxInstances, int outBuffer,
                                      int inBuffer, int defaultTimeout, WinBase.SECURITY_ATTRIBUTES security);

        WinNT.HANDLE CreateFileW(WString name, int access, int share, Pointer security, int disposition, int flags,
                                 Pointer template);

        boolean ConnectNamedPipe(WinNT.HANDLE pipe, Pointer overlapped);

        boolean ReadFile(WinNT.HANDLE file, Pointer buffer, int length, IntByReference read, Pointer overlapped);

        boolean WriteFile(WinNT.HANDLE file, Pointer buffer, int length, IntByReference written, Pointer overlapped);

        boolean GetOverlappedResult(WinNT.HANDLE file, Pointer overlapped, IntByReference transferred, boolean wait);

        boolean CancelIoEx(WinNT.HANDLE file, Pointer overlapped);

        boolean GetNamedPipeClientProcessId(WinNT.HANDLE pipe, IntByReference pid);

        boolean GetNamedPipeClientSessionId(WinNT.HANDLE pipe, IntByReference session);

        WinNT.HANDLE CreateEventW(Pointer security, boolean manualReset, boolean initialState, WString name);

        boolean CloseHandle(WinNT.HANDLE handle);

        Pointer LocalFree(Pointer memory);
    }

    /** {@code advapi32!ConvertStringSecurityDescriptorToSecurityDescriptorW}, which jna-platform does not map. */
    interface Advapi32 extends Library {
        Advapi32 INSTANCE = Native.load("advapi32", Advapi32.class);

        boolean ConvertStringSecurityDescriptorToSecurityDescriptorW(WString sddl, int revision,
                                                                    PointerByReference descriptor, IntByReference size);
    }
}
