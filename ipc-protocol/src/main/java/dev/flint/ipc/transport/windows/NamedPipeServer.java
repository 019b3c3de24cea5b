package dev.flint.ipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.flint.ipc.transport.PipeClientIdentity;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A named pipe server. The first instance is created with {@code FILE_FLAG_FIRST_PIPE_INSTANCE},
 * so if another process already owns the name (pipe squatting) binding fails instead of sharing
 * it. Afterwards the server always keeps one instance listening: the next one is created before a
 * connected one is handed out, so the name is never free for someone else to claim.
 */
public final class NamedPipeServer implements Closeable {
    private static final PipeApi.Kernel32 K = PipeApi.Kernel32.INSTANCE;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final PipeName name;
    private final Pointer securityDescriptor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private WinNT.HANDLE listening;
    private OverlappedIo listeningIo;

    private NamedPipeServer(PipeName name, Pointer securityDescriptor) {
        this.name = name;
        this.securityDescriptor = securityDescriptor;
    }

    /**
     * @throws AccessDeniedException if the pipe name is already taken (another server, or a squatter)
     */
    public static NamedPipeServer create(PipeName name, PipeSecurity security) throws IOException {
        PointerByReference descriptor = new PointerByReference();
        if (!PipeApi.Advapi32.INSTANCE.ConvertStringSecurityDescriptorToSecurityDescriptorW(
                new WString(security.sddl()), PipeApi.SDDL_REVISION_1, descriptor, null)) {
            throw OverlappedIo.error("ConvertStringSecurityDescriptorToSecurityDescriptor(" + security.sddl() + ")",
                    Native.getLastError());
        }
        NamedPipeServer server = new NamedPipeServer(name, descriptor.getValue());
        try {
            server.listen(true);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void listen(boolean first) throws IOException {
        WinBase.SECURITY_ATTRIBUTES attributes = new WinBase.SECURITY_ATTRIBUTES();
        attributes.dwLength = new WinDef.DWORD(attributes.size());
        attributes.lpSecurityDescriptor = securityDescriptor;
        attributes.bInheritHandle = false;
        int openMode = PipeApi.PIPE_ACCESS_DUPLEX | PipeApi.FILE_FLAG_OVERLAPPED
                | (first ? PipeApi.FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
        WinNT.HANDLE handle = K.CreateNamedPipeW(new WString(name.path()), openMode,
                PipeApi.PIPE_TYPE_BYTE_READMODE_BYTE_WAIT | PipeApi.PIPE_REJECT_REMOTE_CLIENTS,
                PipeApi.PIPE_UNLIMITED_INSTANCES, BUFFER_BYTES, BUFFER_BYTES, 0, attributes);
        if (handle == null || WinBase.INVALID_HANDLE_VALUE.equals(handle)) {
            int error = Native.getLastError();
            if (error == PipeApi.ERROR_ACCESS_DENIED) {
                throw new AccessDeniedException(name.path(), null, "pipe name is owned by another process");
            }
            throw OverlappedIo.error("CreateNamedPipe(" + name.path() + ")", error);
        }
        listening = handle;
        listeningIo = new OverlappedIo(handle, 1);
    }

    /** Blocks until a client connects; the stream's peer is a {@link PipeClientIdentity}. */
    public synchronized NamedPipeStream accept() throws IOException {
        if (closed.get()) {
            throw new IOException("Pipe server " + name.path() + " is closed");
        }
        if (!listeningIo.connect() || closed.get()) {
            throw new IOException("Pipe server " + name.path() + " is closed");
        }
        WinNT.HANDLE connected = listening;
        listeningIo.close();
        listen(false);
        IntByReference pid = new IntByReference();
        IntByReference session = new IntByReference();
        K.GetNamedPipeClientProcessId(connected, pid);
        K.GetNamedPipeClientSessionId(connected, session);
        return new NamedPipeStream(connected, new PipeClientIdentity(
                Integer.toUnsignedLong(pid.getValue()), Integer.toUnsignedLong(session.getValue())));
    }

    public PipeName name() {
        return name;
    }

    /** Cancels a blocked {@link #accept()} and releases the pipe name. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        WinNT.HANDLE handle = listening;
        if (handle != null) {
            K.CancelIoEx(handle, null);
            K.CloseHandle(handle);
        }
        if (securityDescriptor != null) {
            K.LocalFree(securityDescriptor);
        }
    }
}
