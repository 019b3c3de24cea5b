package dev.flint.shell.portal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Who connects: the persistent device id, a display name, the WireGuard public key (standard base64 with
 * padding, 44 chars) and optional hardware ids. Null optional ids are left out of the URL.
 */
public record DeviceIdentity(String deviceId, String name, String publicKey, String deviceSerial, String deviceUuid) {

    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicKey, "publicKey");
        if (deviceId.isEmpty() || deviceId.length() > 255) {
            throw new IllegalArgumentException("device id must be 1..255 chars");
        }
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("name must be 1..255 chars");
        }
        if (publicKey.length() != 44) {
            throw new IllegalArgumentException("public key must be 44 chars of base64");
        }
    }

    public DeviceIdentity(String deviceId, String name, String publicKey) {
        this(deviceId, name, publicKey, null, null);
    }

    /** The machine's host name as Firezone picks it (kernel host name), else a random UUID. */
    public static String defaultName() {
        String env = System.getenv("FIREZONE_NAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!host.isEmpty()) {
                return host;
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or not readable: fall through
        }
        return UUID.randomUUID().toString();
    }
}
