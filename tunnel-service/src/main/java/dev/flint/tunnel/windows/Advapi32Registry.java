package dev.flint.tunnel.windows;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import java.util.List;

/** {@link WindowsRegistry} on the real registry through jna-platform. Not yet run on Windows. */
public final class Advapi32Registry implements WindowsRegistry {
    private static final WinReg.HKEY ROOT = WinReg.HKEY_LOCAL_MACHINE;

    @Override
    public boolean keyExists(String path) {
        return Advapi32Util.registryKeyExists(ROOT, path);
    }

    @Override
    public void createKey(String path) {
        Advapi32Util.registryCreateKey(ROOT, path);
    }

    @Override
    public void setString(String path, String name, String value) {
        Advapi32Util.registrySetStringValue(ROOT, path, name, value);
    }

    @Override
    public void setDword(String path, String name, int value) {
        Advapi32Util.registrySetIntValue(ROOT, path, name, value);
    }

    @Override
    public void setMultiString(String path, String name, List<String> values) {
        Advapi32Util.registrySetStringArray(ROOT, path, name, values.toArray(String[]::new));
    }

    @Override
    public void deleteKey(String path) {
        if (Advapi32Util.registryKeyExists(ROOT, path)) {
            for (String name : Advapi32Util.registryGetValues(ROOT, path).keySet()) {
                Advapi32Util.registryDeleteValue(ROOT, path, name);
            }
            Advapi32Util.registryDeleteKey(ROOT, path);
        }
    }
}
