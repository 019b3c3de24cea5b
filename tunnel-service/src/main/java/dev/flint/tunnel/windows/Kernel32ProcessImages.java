package dev.flint.tunnel.windows;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import java.util.Optional;

/** {@link ProcessImages} through kernel32 ({@code OpenProcess} with the least right that names the image). Not yet run on Windows. */
public final class Kernel32ProcessImages implements ProcessImages {
    static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    private static final int MAX_PATH_CHARS = 32_768;

    @Override
    public Optional<String> imagePath(long pid) {
        WinNT.HANDLE process = Kernel32.INSTANCE.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, (int) pid);
        if (process == null) {
            return Optional.empty();
        }
        try {
            char[] name = new char[MAX_PATH_CHARS];
            IntByReference length = new IntByReference(name.length);
            if (!Kernel32.INSTANCE.QueryFullProcessImageName(process, 0, name, length)) {
                return Optional.empty();
            }
            return Optional.of(new String(name, 0, length.getValue()));
        } finally {
            Kernel32.INSTANCE.CloseHandle(process);
        }
    }
}
