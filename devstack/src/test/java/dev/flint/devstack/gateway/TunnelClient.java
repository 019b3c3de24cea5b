package dev.flint.devstack.gateway;

import dev.flint.connlib.dns.IpPrefix;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.tunnel.TunConfig;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.RealTimeWait;
import dev.flint.shell.client.ClientTunnel;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import dev.flint.shell.portal.UserAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One signed-in Flint client in a namespace, as the tunnel service runs it: the {@link ClientTunnel} with a real TUN
 * device, configured from what the tunnel asks for (reduced to the main routing table), and what it reported.
 */
final class TunnelClient implements AutoCloseable {
    final ClientTunnel tunnel;
    final AtomicReference<LinuxTunDevice> device = new AtomicReference<>();
    final List<TunConfig> configs = new CopyOnWriteArrayList<>();
    final List<List<Resource>> resources = new CopyOnWriteArrayList<>();
    final AtomicReference<String> stopped = new AtomicReference<>();
    final Set<IpPrefix> routed = new HashSet<>();
    private final String tunName;

    TunnelClient(NetworkNamespace client, String token, String deviceName, String tunName) throws Exception {
        this.tunName = tunName;
        ClientTunnel.Options options = new ClientTunnel.Options(GatewayStack.API, token,
            UUID.randomUUID().toString(), deviceName, UserAgent.detect("0.1.0"), tunName, 0,
            List.of(InetAddress.ofLiteral("172.20.0.53")));
        // Started inside the namespace: the tunnel's threads, sockets and TUN device all live there.
        tunnel = client.call(() -> ClientTunnel.start(options, new ClientTunnel.Listener() {
            @Override
            public void tunConfigChanged(TunConfig config) {
                configure(config);
            }

            @Override
            public void resourcesChanged(List<Resource> list) {
                resources.add(list);
            }

            @Override
            public void waitingForNetwork(String reason) {
            }

            @Override
            public void disconnected(String reason, boolean requiresSignIn) {
                stopped.set(reason);
            }
        }));
        await("the TUN device of " + deviceName, () -> device.get() != null);
    }

    /**
     * What the tunnel service does with a config, reduced to the main routing table: the namespace's default
     * route stays, so routes of length 0 (the Internet Resource) are left out and the relay and portal stay
     * reachable without socket marks.
     */
    void configure(TunConfig config) {
        try (RtNetlink netlink = RtNetlink.open()) {
            boolean first = device.get() == null;
            LinuxTunDevice tun = first ? LinuxTunDevice.open(tunName, 1280, LinuxTunDevice.PacketIo.FFM, true) : device.get();
            int index = RtNetlink.linkIndex(tunName);
            if (first) {
                netlink.setMtu(index, 1280);
                netlink.addAddress(index, config.ipv4(), 32);
                netlink.addAddress(index, config.ipv6(), 128);
                netlink.setLinkUp(index);
            }
            for (IpPrefix route : config.routes()) {
                if (route.prefix() > 0 && routed.add(route)) {
                    netlink.addRoute(index, route.address(), route.prefix());
                }
            }
            configs.add(config);
            if (first) {
                device.set(tun);
                tunnel.attach(tun);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TunConfig config() {
        return configs.getLast();
    }

    InetAddress sentinel() {
        return config().dnsBySentinel().keySet().stream().filter(a -> a instanceof Inet4Address).findFirst()
            .orElseThrow();
    }

    @Override
    public void close() {
        tunnel.close();
        if (device.get() != null) {
            device.get().close();
        }
    }

    /** Waits for a condition of the tunnel or the namespace, up to the stack's generous deadline. */
    static void await(String what, BooleanSupplier condition) {
        RealTimeWait.until(what, GatewayStack.WAIT, condition, () -> "");
    }
}
