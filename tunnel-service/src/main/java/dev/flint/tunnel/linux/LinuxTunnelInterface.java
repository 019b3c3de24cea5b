package dev.flint.tunnel.linux;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.shell.TunDevice;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
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
    private InterfaceConfig current;

    public LinuxTunnelInterface(String name) {
        this.name = name;
    }

    @Override
    public int mtu() {
        return MTU;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized Optional<TunDevice> device() {
        return Optional.ofNullable(device);
    }

    /**
     * Brings the device up, or changes the routes of the running one: only new addresses (the portal
     * assigned others, so every connection on the old ones is gone anyway) recreate it.
     */
    @Override
    public synchronized void up(InterfaceConfig config) throws IOException {
        if (device != null && current != null && current.ipv4().equals(config.ipv4())
                && current.ipv6().equals(config.ipv6())) {
            reroute(config);
            return;
        }
        if (device != null) {
            down();
        }
        // With TCP segmentation offload the kernel hands over an application's TCP data in 64 KiB super-packets (split
        // into tunnel-sized packets by the device), so its TCP stack does one pass where it did forty.
        device = LinuxTunDevice.open(name, MTU, LinuxTunDevice.PacketIo.FFM, true);
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
                for (IpPrefix route : config.routes()) {
                    policy.addRoute(index, route);
                }
                policy.addRules();
            }
        } catch (IOException e) {
            down();
            throw e;
        }
        current = config;
        LOG.info("{} is up with {} route(s)", name, config.routes().size());
    }

    private void reroute(InterfaceConfig config) throws IOException {
        Set<IpPrefix> wanted = new LinkedHashSet<>(config.routes());
        Set<IpPrefix> present = new LinkedHashSet<>(current.routes());
        int index = RtNetlink.linkIndex(name);
        try (PolicyRouting policy = PolicyRouting.open()) {
            for (IpPrefix route : present) {
                if (!wanted.contains(route)) {
                    policy.deleteRoute(index, route);
                }
            }
            for (IpPrefix route : wanted) {
                if (!present.contains(route)) {
                    policy.addRoute(index, route);
                }
            }
        }
        current = config;
        LOG.info("{} now has {} route(s)", name, config.routes().size());
    }

    @Override
    public synchronized void down() {
        current = null;
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
