package dev.flint.connlib.portal;

import dev.flint.connlib.wireguard.WireGuardKey;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;
import java.util.UUID;

/**
 * The client as described to a gateway in {@code create_authorization}. Only id, keys and addresses drive the
 * data plane; the version and device fields are informational and may be null.
 */
public record GatewayClient(UUID id, WireGuardKey publicKey, WireGuardKey presharedKey, Inet4Address ipv4,
                            Inet6Address ipv6, String version, String deviceOsName, String deviceOsVersion,
                            String deviceSerial, String deviceUuid, String identifierForVendor,
                            String firebaseInstallationId) {

    public GatewayClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
    }

    /** A client with only the fields the data plane needs. */
    public static GatewayClient of(UUID id, WireGuardKey publicKey, WireGuardKey presharedKey, Inet4Address ipv4,
                                   Inet6Address ipv6) {
        return new GatewayClient(id, publicKey, presharedKey, ipv4, ipv6, null, null, null, null, null, null, null);
    }
}
