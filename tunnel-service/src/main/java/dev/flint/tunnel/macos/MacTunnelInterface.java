package dev.flint.tunnel.macos;

import dev.flint.shell.TunDevice;
import dev.flint.shell.macos.UtunDevice;
import dev.flint.shell.macos.UtunSyscalls;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A utun interface with its addresses and routes, set with {@code ifconfig} and {@code route} as
 * WireGuard's {@code wg-quick} does on macOS: MTU 1280, the tunnel addresses as point-to-point
 * {@code /32} and {@code /128}, each route {@code -interface utunN}. A default route is installed
 * as its two halves so it wins over the system's default without replacing it.
 * {@link #down()} deletes the routes it added and closes the socket, which removes the interface.
 * Not yet run on macOS.
 */
public final class MacTunnelInterface implements TunnelInterface {
    /** Let the kernel choose the unit; the interface's real name is known once it is up. */
    public static final String DEFAULT_NAME = "utun";
    public static final int MTU = 1280;
    static final String IFCONFIG = "/sbin/ifconfig";
    static final String ROUTE = "/sbin/route";
    private static final Logger LOG = LoggerFactory.getLogger(MacTunnelInterface.class);

    private final String requestedName;
    private final UtunSyscalls sys;
    private final CommandRunner commands;
    private final DnsControl leftoverDns;
    private UtunDevice device;
    private final List<Cidr> routes = new ArrayList<>();
    private final List<Cidr> addresses = new ArrayList<>();

    /**
     * @param leftoverDns the scutil control whose entry {@link #removeIfPresent} clears at
     *                    start-up: the dynamic store outlives a crashed service until reboot
     */
    public MacTunnelInterface(String requestedName, UtunSyscalls sys, CommandRunner commands, DnsControl leftoverDns) {
        UtunDevice.requestedUnit(requestedName);
        this.requestedName = requestedName;
        this.sys = sys;
        this.commands = commands;
        this.leftoverDns = leftoverDns;
    }

    /** The utun name once up; the requested name before. */
    @Override
    public synchronized String name() {
        return device != null ? device.name() : requestedName;
    }

    /** The open device while up, for the data plane. */
    @Override
    public synchronized Optional<TunDevice> device() {
        return Optional.ofNullable(device);
    }

    /**
     * Creates the utun interface, or, when it is up already, changes its addresses and routes in
     * place so the open socket and the connections through it survive.
     */
    @Override
    public synchronized void up(InterfaceConfig config) throws IOException {
        boolean fresh = device == null;
        if (fresh) {
            device = UtunDevice.open(sys, requestedName, MTU);
        }
        String utun = device.name();
        try {
            List<Cidr> wantedAddresses = new ArrayList<>();
            config.ipv4().ifPresent(a -> wantedAddresses.add(new Cidr(a, 32)));
            config.ipv6().ifPresent(a -> wantedAddresses.add(new Cidr(a, 128)));
            List<Cidr> wantedRoutes = new ArrayList<>();
            for (Cidr route : config.routes()) {
                boolean v4 = route.address() instanceof Inet4Address;
                if (v4 ? config.ipv4().isPresent() : config.ipv6().isPresent()) {
                    wantedRoutes.addAll(halvesOfDefault(route));
                }
            }
            if (fresh) {
                commands.run(List.of(IFCONFIG, utun, "mtu", Integer.toString(MTU)));
            }
            for (Cidr route : List.copyOf(routes).reversed()) {
                if (!wantedRoutes.contains(route)) {
                    commands.run(routeCommand("delete", route, utun));
                    routes.remove(route);
                }
            }
            for (Cidr address : List.copyOf(addresses).reversed()) {
                if (!wantedAddresses.contains(address)) {
                    commands.run(List.of(IFCONFIG, utun, family(address), address.address().getHostAddress(), "-alias"));
                    addresses.remove(address);
                }
            }
            for (Cidr address : wantedAddresses) {
                if (!addresses.contains(address)) {
                    commands.run(addressCommand(address, utun));
                    addresses.add(address);
                }
            }
            if (fresh) {
                commands.run(List.of(IFCONFIG, utun, "up"));
            }
            for (Cidr route : wantedRoutes) {
                if (!routes.contains(route)) {
                    commands.run(routeCommand("add", route, utun));
                    routes.add(route);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (fresh) {
                down();
            }
            throw e;
        }
        LOG.info("{} is up with {} route(s)", utun, routes.size());
    }

    private static String family(Cidr cidr) {
        return cidr.address() instanceof Inet4Address ? "inet" : "inet6";
    }

    /** A point-to-point IPv4 address is its own peer; IPv6 takes a prefix length. */
    static List<String> addressCommand(Cidr address, String utun) {
        String a = address.address().getHostAddress();
        return address.address() instanceof Inet4Address
                ? List.of(IFCONFIG, utun, "inet", a, a, "netmask", "255.255.255.255", "alias")
                : List.of(IFCONFIG, utun, "inet6", a, "prefixlen", "128", "alias");
    }

    static List<String> routeCommand(String verb, Cidr destination, String utun) {
        String family = destination.address() instanceof Inet4Address ? "-inet" : "-inet6";
        return List.of(ROUTE, "-q", "-n", verb, family, network(destination), "-interface", utun);
    }

    /** {@code 0.0.0.0/0} becomes {@code 0.0.0.0/1} and {@code 128.0.0.0/1} (and likewise for IPv6). */
    static List<Cidr> halvesOfDefault(Cidr route) {
        if (route.prefixLength() != 0) {
            return List.of(route);
        }
        byte[] upper = new byte[route.address().getAddress().length];
        upper[0] = (byte) 0x80;
        try {
            return List.of(new Cidr(InetAddress.getByAddress(new byte[upper.length]), 1),
                    new Cidr(InetAddress.getByAddress(upper), 1));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The destination as {@code network/prefix} with host bits cleared, as {@code route} wants it. */
    static String network(Cidr cidr) {
        byte[] bytes = cidr.address().getAddress();
        for (int bit = cidr.prefixLength(); bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + cidr.prefixLength();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void down() {
        if (device == null) {
            return;
        }
        String utun = device.name();
        for (Cidr route : routes.reversed()) {
            try {
                commands.run(routeCommand("delete", route, utun));
            } catch (IOException e) {
                LOG.warn("Could not remove the route {}: {}", route, e.getMessage());
            }
        }
        routes.clear();
        addresses.clear();
        device.close();
        device = null;
        LOG.info("{} closed", utun);
    }

    /**
     * Clears what a dead service left: its scutil DNS entry. A utun interface cannot be left: it
     * dies with the socket of the process that made it, so there is never one to remove (false).
     */
    @Override
    public boolean removeIfPresent(String interfaceName) throws IOException {
        leftoverDns.deactivate();
        return false;
    }
}
