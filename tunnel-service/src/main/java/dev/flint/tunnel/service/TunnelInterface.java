package dev.flint.tunnel.service;

import java.io.IOException;

/**
 * The OS side of a connected session: the tunnel device with its addresses and routes. One
 * implementation per OS; {@link #down()} must be idempotent and leave no device and no route.
 */
public interface TunnelInterface {

    /** The device name the journal records, e.g. {@code tun-flint}. */
    String name();

    /** Creates (or reconfigures) the device for {@code config}. */
    void up(InterfaceConfig config) throws IOException;

    /** Removes the device and with it every address and route on it. */
    void down();

    /** Removes a device of this name left by a dead process; true if there was one. */
    boolean removeIfPresent(String interfaceName) throws IOException;
}
