package dev.flint.gui.platform.windows;

import dev.flint.gui.platform.Autostart;
import dev.flint.gui.platform.SchemeRegistration;
import java.io.IOException;
import java.util.List;

/**
 * The per-user registry values for the URL scheme ({@code HKCU\Software\Classes\<scheme>}) and for
 * start-on-login ({@code HKCU\...\CurrentVersion\Run}). The values are computed here and written
 * through {@link Registry}, so they can be checked without Windows.
 */
public final class RegistryKeys implements SchemeRegistration, Autostart {

    /** One string value to write: {@code name} empty means the key's default value. */
    public record Value(String key, String name, String data) {
    }

    /** The small part of the registry Flint writes to. */
    public interface Registry {
        void setString(String key, String name, String data) throws IOException;

        void deleteValue(String key, String name) throws IOException;

        boolean hasValue(String key, String name);
    }

    static final String CLASSES = "Software\\Classes\\" + SCHEME;
    static final String RUN = "Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    static final String RUN_VALUE = "Flint";

    private final String exe;
    private final Registry registry;

    public RegistryKeys(String exe, Registry registry) {
        this.exe = exe;
        this.registry = registry;
    }

    public List<Value> schemeValues() {
        return List.of(
                new Value(CLASSES, "", "URL:dev.flint.client"),
                new Value(CLASSES, "URL Protocol", ""),
                new Value(CLASSES + "\\DefaultIcon", "", exe + ",0"),
                new Value(CLASSES + "\\shell\\open\\command", "", "\"" + exe + "\" open-deep-link \"%1\""));
    }

    public Value runValue() {
        return new Value(RUN, RUN_VALUE, "\"" + exe + "\"");
    }

    @Override
    public void register() throws IOException {
        for (Value v : schemeValues()) {
            registry.setString(v.key(), v.name(), v.data());
        }
    }

    @Override
    public void set(boolean enabled) throws IOException {
        if (enabled) {
            Value v = runValue();
            registry.setString(v.key(), v.name(), v.data());
        } else {
            registry.deleteValue(RUN, RUN_VALUE);
        }
    }

    @Override
    public boolean enabled() {
        return registry.hasValue(RUN, RUN_VALUE);
    }

    /** HKEY_CURRENT_USER through JNA's Advapi32Util (Windows only). */
    public static Registry currentUser() {
        var root = com.sun.jna.platform.win32.WinReg.HKEY_CURRENT_USER;
        return new Registry() {
            @Override
            public void setString(String key, String name, String data) throws IOException {
                try {
                    com.sun.jna.platform.win32.Advapi32Util.registryCreateKey(root, key);
                    com.sun.jna.platform.win32.Advapi32Util.registrySetStringValue(root, key, name, data);
                } catch (RuntimeException e) {
                    throw new IOException("Flint could not write the registry key " + key + ".", e);
                }
            }

            @Override
            public void deleteValue(String key, String name) throws IOException {
                try {
                    if (com.sun.jna.platform.win32.Advapi32Util.registryValueExists(root, key, name)) {
                        com.sun.jna.platform.win32.Advapi32Util.registryDeleteValue(root, key, name);
                    }
                } catch (RuntimeException e) {
                    throw new IOException("Flint could not change the registry key " + key + ".", e);
                }
            }

            @Override
            public boolean hasValue(String key, String name) {
                try {
                    return com.sun.jna.platform.win32.Advapi32Util.registryValueExists(root, key, name);
                } catch (RuntimeException e) {
                    return false;
                }
            }
        };
    }
}
