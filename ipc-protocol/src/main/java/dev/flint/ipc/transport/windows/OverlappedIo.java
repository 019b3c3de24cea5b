package dev.flint.ipc.transport.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;

/**
 * One in-flight overlapped operation at a time on a handle: an OVERLAPPED block and an event that
 * stay at a fixed native address until the kernel is done with them, plus the native buffer.
 * Each direction of a pipe owns one, so a read and a write can be pending together.
 */
final class OverlappedIo implements AutoCloseable {
    private static final PipeApi.Kernel32 K = PipeApi.Kernel32.INSTANCE;

    private final WinNT.HANDLE handle;
    private final WinNT.HANDLE event;
    private final WinBase.OVERLAPPED overlapped = new WinBase.OVERLAPPED();
    private final Memory buffer;

    OverlappedIo(WinNT.HANDLE handle, int bufferBytes) throws IOException {
        this.handle = handle;
        this.event = K.CreateEventW(null, true, false, null);
        if (event == null) {
            throw error("CreateEvent", Native.getLastError());
        }
        this.buffer = new Memory(bufferBytes);
    }

    /** Reads into {@code target}; returns the byte count, or -1 if the pipe broke or was cancelled. */
    int read(byte[] target, int offset, int length) throws IOException {
        int want = (int) Math.min(length, buffer.size());
        int n = complete(K.ReadFile(handle, buffer, want, null, start()), "ReadFile");
        if (n > 0) {
            buffer.read(0, target, offset, n);
        }
        return n == 0 && want > 0 ? -1 : n;
    }

    /** Writes a slice of at most the buffer size; returns how much was written, -1 if the pipe broke. */
    int write(byte[] source, int offset, int length) throws IOException {
        int chunk = (int) Math.min(length, buffer.size());
        buffer.write(0, source, offset, chunk);
        return complete(K.WriteFile(handle, buffer, chunk, null, start()), "WriteFile");
    }

    /** Waits for a client on a server instance; false if cancelled (server closing). */
    boolean connect() throws IOException {
        if (K.ConnectNamedPipe(handle, start())) {
            return true;
        }
        int error = Native.getLastError();
        if (error == PipeApi.ERROR_PIPE_CONNECTED) {
            return true; // the client came between CreateNamedPipe and ConnectNamedPipe
        }
        if (error != PipeApi.ERROR_IO_PENDING) {
            throw error("ConnectNamedPipe", error);
        }
        return await("ConnectNamedPipe") >= 0;
    }

    /** Resets the OVERLAPPED block for a new operation; the kernel gets its stable native address. */
    private Pointer start() {
        overlapped.clear();
        overlapped.hEvent = event;
        overlapped.write();
        return overlapped.getPointer();
    }

    private int complete(boolean immediate, String call) throws IOException {
        if (!immediate) {
            int error = Native.getLastError();
            if (error != PipeApi.ERROR_IO_PENDING) {
                return brokenOrThrow(call, error);
            }
        }
        return await(call);
    }

    private int await(String call) throws IOException {
        IntByReference transferred = new IntByReference();
        if (!K.GetOverlappedResult(handle, overlapped.getPointer(), transferred, true)) {
            return brokenOrThrow(call, Native.getLastError());
        }
        return transferred.getValue();
    }

    private static int brokenOrThrow(String call, int error) throws IOException {
        return switch (error) {
            case PipeApi.ERROR_BROKEN_PIPE, PipeApi.ERROR_NO_DATA, PipeApi.ERROR_PIPE_NOT_CONNECTED,
                 PipeApi.ERROR_OPERATION_ABORTED -> -1;
            default -> throw error(call, error);
        };
    }

    static IOException error(String call, int error) {
        return new IOException(call + " failed: Win32 error " + error);
    }

    @Override
    public void close() {
        K.CloseHandle(event);
    }
}
