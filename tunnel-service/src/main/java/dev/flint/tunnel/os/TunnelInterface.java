package dev.flint.tunnel.os;

import dev.flint.shell.TunDevice;
import java.io.IOException;
import java.util.Optional;

/**
 * The OS side of a connected session: the tunnel device with its addresses and routes. One
 * implementation per OS; {@link #down()} must be idempotent and leave no device and no route.
 */
public interface TunnelInterface {

    /** The device name the journal records, e.g. {@code tun-flint}. */
    String name();

    /**
     * Creates the device for {@code config}, or, when it is up already, reconfigures it in place (routes,
     * addresses) so the open device and the connections through it survive.
     */
    void up(InterfaceConfig config) throws IOException;

    /** The open device while up, for the data plane; empty where the OS owns the packet IO. */
    default Optional<TunDevice> device() {
        return Optional.empty();
    }

    /** The device's MTU; Firezone's tunnel uses 1280 on every OS. */
    default int mtu() {
        return 1280;
    }

    /** Removes the device and with it every address and route on it. */
    void down();

    /** Removes a device of this name left by a dead process; true if there was one. */
    boolean removeIfPresent(String interfaceName) throws IOException;
}
