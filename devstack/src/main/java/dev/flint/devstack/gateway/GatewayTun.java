package dev.flint.devstack.gateway;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.shell.TunDevice;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gateway's TUN device: MTU 1280, routes for the client tunnel ranges into it, exactly the tunnel addresses the
 * portal assigns (an address it no longer assigns is removed, so packets for it are not taken as the gateway's own).
 * Opened with TCP segmentation offload, so the resource network's TCP replies arrive in 64 KiB super-packets; the
 * event loop reads and writes it. The interface, its addresses and routes disappear when it is closed.
 */
final class GatewayTun implements AutoCloseable {
    static final int MTU = 1280;
    /** Where clients' tunnel addresses live: replies to them are routed into the TUN. */
    static final List<IpPrefix> CLIENT_RANGES = List.of(IpPrefix.parse("100.64.0.0/10"),
        IpPrefix.parse("fd00:2021:1111::/107"));

    private final LinuxTunDevice device;
    private final int index;
    private final Set<InetAddress> addresses = new HashSet<>();

    private GatewayTun(LinuxTunDevice device, int index) {
        this.device = device;
        this.index = index;
    }

    /** Creates the device, brings it up and routes the client ranges into it. */
    static GatewayTun open(String name) throws IOException {
        LinuxTunDevice device = LinuxTunDevice.open(name, MTU, LinuxTunDevice.PacketIo.FFM, true);
        try (RtNetlink netlink = RtNetlink.open()) {
            int index = RtNetlink.linkIndex(device.name());
            netlink.setMtu(index, MTU);
            netlink.setLinkUp(index);
            for (IpPrefix r : CLIENT_RANGES) {
                netlink.addRoute(index, r.address(), r.prefixLength());
            }
            return new GatewayTun(device, index);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    String name() {
        return device.name();
    }

    TunDevice device() {
        return device;
    }

    /** Makes the portal's tunnel addresses the device's only ones (host routes); others it had are removed. */
    synchronized void assign(List<InetAddress> tunnelAddresses) throws IOException {
        try (RtNetlink netlink = RtNetlink.open()) {
            for (InetAddress old : List.copyOf(addresses)) {
                if (!tunnelAddresses.contains(old)) {
                    netlink.deleteAddress(index, old, old.getAddress().length * 8);
                    addresses.remove(old);
                }
            }
            for (InetAddress a : tunnelAddresses) {
                if (addresses.add(a)) {
                    netlink.addAddress(index, a, a.getAddress().length * 8);
                }
            }
        }
    }

    @Override
    public void close() {
        device.close();
    }
}
