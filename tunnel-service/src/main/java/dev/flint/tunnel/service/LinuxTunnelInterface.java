package dev.flint.tunnel.service;

import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tun-flint} on Linux: a non-persistent TUN device (the kernel deletes it when the last
 * descriptor closes, so even a {@code kill -9} of the service removes it and every route on it),
 * MTU 1280, host addresses over rtnetlink, routes in Flint's own table behind a
 * {@code not fwmark} rule ({@link PolicyRouting}).
 */
public final class LinuxTunnelInterface implements TunnelInterface {
    public static final String DEFAULT_NAME = "tun-flint";
    public static final int MTU = 1280;
    private static final Logger LOG = LoggerFactory.getLogger(LinuxTunnelInterface.class);

    private final String name;
    private LinuxTunDevice device;

    public LinuxTunnelInterface(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /** The open device while up, for the data plane. */
    public synchronized LinuxTunDevice device() {
        return device;
    }

    @Override
    public synchronized void up(InterfaceConfig config) throws IOException {
        if (device != null) {
            down();
        }
        device = LinuxTunDevice.open(name, MTU, LinuxTunDevice.PacketIo.FFM);
        try (RtNetlink netlink = RtNetlink.open()) {
            int index = RtNetlink.linkIndex(name);
            netlink.setMtu(index, MTU);
            if (config.ipv4().isPresent()) {
                netlink.addAddress(index, config.ipv4().get(), 32);
            }
            if (config.ipv6().isPresent()) {
                netlink.addAddress(index, config.ipv6().get(), 128);
            }
            netlink.setLinkUp(index);
            try (PolicyRouting policy = PolicyRouting.open()) {
                for (Cidr route : config.routes()) {
                    policy.addRoute(index, route);
                }
                policy.addRules();
            }
        } catch (IOException e) {
            down();
            throw e;
        }
        LOG.info("{} is up with {} route(s)", name, config.routes().size());
    }

    @Override
    public synchronized void down() {
        if (device != null) {
            device.close();
            device = null;
            LOG.info("{} closed", name);
        }
        try {
            removeIfPresent(name);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", name, e.getMessage());
        }
    }

    /** Also removes the policy routing rules, which outlive the device. */
    @Override
    public boolean removeIfPresent(String interfaceName) throws IOException {
        try (PolicyRouting policy = PolicyRouting.open()) {
            policy.removeRules();
        }
        int index;
        try {
            index = RtNetlink.linkIndex(interfaceName);
        } catch (IOException absent) {
            return false;
        }
        try (RtNetlink netlink = RtNetlink.open()) {
            netlink.deleteLink(index);
        }
        return true;
    }
}
