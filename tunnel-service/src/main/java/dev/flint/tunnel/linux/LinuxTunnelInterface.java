package dev.flint.tunnel.linux;

import dev.flint.connlib.net.IpPrefix;
import dev.flint.shell.TunDevice;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
     * Brings the device up, or changes the running one in place: new tunnel addresses (a portal that restarted
     * may hand out others) replace the old ones on the same device and routes are added and removed one by one, so
     * the descriptor the data plane reads, the policy rules and every flow that does not depend on the old address
     * carry on.
     */
    @Override
    public synchronized void up(InterfaceConfig config) throws IOException {
        if (device != null && current != null) {
            readdress(config);
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

    /**
     * The portal's new addresses on the running device: each new one added before the old one of its family is
     * removed, so the device never has none; the device keeps exactly the portal's addresses (an old one left
     * behind would make packets for it, now another device's, local to this machine).
     */
    private void readdress(InterfaceConfig config) throws IOException {
        List<InetAddress> before = addresses(current);
        List<InetAddress> after = addresses(config);
        if (before.equals(after)) {
            return;
        }
        int index = RtNetlink.linkIndex(name);
        try (RtNetlink netlink = RtNetlink.open()) {
            for (InetAddress address : after) {
                if (!before.contains(address)) {
                    netlink.addAddress(index, address, address.getAddress().length * 8);
                }
            }
            for (InetAddress address : before) {
                if (!after.contains(address)) {
                    netlink.deleteAddress(index, address, address.getAddress().length * 8);
                }
            }
        }
        LOG.info("{} now has the addresses {} (was {})", name, text(after), text(before));
    }

    private static List<InetAddress> addresses(InterfaceConfig config) {
        List<InetAddress> out = new ArrayList<>();
        config.ipv4().ifPresent(out::add);
        config.ipv6().ifPresent(out::add);
        return out;
    }

    private static String text(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList().toString();
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
