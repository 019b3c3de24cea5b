package dev.flint.ipc;

import java.util.List;
import java.util.UUID;

/** Another device of the account that this client can reach (shown in the tray's device list). */
public record ConnectedDevice(UUID id, String name, String tunIpv4, String tunIpv6, List<String> pools) {
    public ConnectedDevice {
        InvalidFieldException.requireNonNull(id, "id");
        InvalidFieldException.requireNonNull(name, "name");
        InvalidFieldException.requireNonNull(tunIpv4, "tun_ipv4");
        InvalidFieldException.requireNonNull(tunIpv6, "tun_ipv6");
        pools = InvalidFieldException.requireElements(pools, "pools");
    }
}
