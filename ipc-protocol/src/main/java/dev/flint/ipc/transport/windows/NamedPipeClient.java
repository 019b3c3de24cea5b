package dev.flint.ipc.transport.windows;

import com.sun.jna.Native;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.AccCtrl;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.PointerByReference;
import dev.flint.ipc.transport.PeerIdentity;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Opens the client end of a named pipe. */
public final class NamedPipeClient {
    private NamedPipeClient() {}

    /**
     * Opens with {@code SECURITY_IDENTIFICATION}, so a server that is not who it claims cannot
     * impersonate this user, and with only read + write-data rights (see {@link PipeSecurity}).
     *
     * @throws NoSuchFileException if no server has created the pipe
     * @throws ConnectException if every instance is busy
     * @throws AccessDeniedException if the pipe's DACL excludes this user
     */
    public static NamedPipeStream connect(PipeName name) throws IOException {
        WinNT.HANDLE handle = PipeApi.Kernel32.INSTANCE.CreateFileW(new WString(name.path()),
                PipeApi.GENERIC_READ | PipeApi.FILE_WRITE_DATA, 0, null, PipeApi.OPEN_EXISTING,
                PipeApi.FILE_FLAG_OVERLAPPED | PipeApi.SECURITY_SQOS_PRESENT | PipeApi.SECURITY_IDENTIFICATION, null);
        if (handle == null || WinBase.INVALID_HANDLE_VALUE.equals(handle)) {
            int error = Native.getLastError();
            throw switch (error) {
                case PipeApi.ERROR_FILE_NOT_FOUND -> new NoSuchFileException(name.path(), null, "no such pipe");
                case PipeApi.ERROR_PIPE_BUSY -> new ConnectException("All instances of " + name.path() + " are busy");
                case PipeApi.ERROR_ACCESS_DENIED -> new AccessDeniedException(name.path());
                default -> OverlappedIo.error("CreateFile(" + name.path() + ")", error);
            };
        }
        return new NamedPipeStream(handle, new PeerIdentity.Unknown());
    }

    /**
     * Opens the tunnel service's pipe and refuses it unless LocalSystem owns it: the DACL keeps
     * other users out of the real service's pipe, but only the owner tells the real service from a
     * process that created the name first (reference: GUI client §2.2, {@code enforce_pipe_ownership}).
     *
     * @throws AccessDeniedException if the pipe is not owned by LocalSystem
     */
    public static NamedPipeStream connectToService(PipeName name) throws IOException {
        NamedPipeStream stream = connect(name);
        String owner;
        try {
            owner = owner(stream.handle());
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
        if (!PipeSecurity.ownedByTunnelService(owner)) {
            stream.close();
            throw new AccessDeniedException(name.path(), null,
                    "the pipe is owned by " + owner + ", not by LocalSystem: possible pipe squatting, refusing it");
        }
        return stream;
    }

    private static String owner(WinNT.HANDLE handle) throws IOException {
        PointerByReference owner = new PointerByReference();
        PointerByReference descriptor = new PointerByReference();
        int error = Advapi32.INSTANCE.GetSecurityInfo(handle, AccCtrl.SE_OBJECT_TYPE.SE_KERNEL_OBJECT,
                WinNT.OWNER_SECURITY_INFORMATION, owner, null, null, null, descriptor);
        if (error != 0) {
            throw OverlappedIo.error("GetSecurityInfo(owner)", error);
        }
        try {
            return Advapi32Util.convertSidToStringSid(new WinNT.PSID(owner.getValue()));
        } finally {
            PipeApi.Kernel32.INSTANCE.LocalFree(descriptor.getValue());
        }
    }
}
