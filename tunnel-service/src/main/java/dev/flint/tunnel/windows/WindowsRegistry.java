package dev.flint.tunnel.windows;

import java.util.List;

/** The few registry operations NRPT needs, under {@code HKEY_LOCAL_MACHINE}. */
public interface WindowsRegistry {
    boolean keyExists(String path);

    void createKey(String path);

    void setString(String path, String name, String value);

    void setDword(String path, String name, int value);

    void setMultiString(String path, String name, List<String> values);

    /** Deletes the key and its values; a missing key is fine. */
    void deleteKey(String path);
}
